package handlers

import (
	"context"
	"errors"

	"github.com/gofiber/fiber/v2"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"

	"hms/store"
	"hms/views"
)

// errorHandler renders every error as a page, or for htmx as a message in the flash area.
// Unexpected errors are logged with the request id and shown only as an incident reference.
func (a *App) errorHandler(c *fiber.Ctx, err error) error {
	code := fiber.StatusInternalServerError
	var fe *fiber.Error
	switch {
	case errors.As(err, &fe):
		code = fe.Code
	case errors.Is(err, store.ErrNotFound):
		code = fiber.StatusNotFound
	case dbUnavailable(err):
		code = fiber.StatusServiceUnavailable
	}
	vm := views.ErrorVM{Status: code, Home: "/"}
	switch code {
	case fiber.StatusForbidden:
		vm.Title, vm.Message = "Access denied", "You do not have permission to open this page. If you need it for your work, ask an administrator."
		if errors.Is(err, errCSRF) || (fe != nil && fe.Message == errCSRF.Message) {
			vm.Title, vm.Message = "Request refused", errCSRF.Message
		}
	case fiber.StatusNotFound:
		vm.Title, vm.Message = "Not found", "There is nothing at this address. It may have been mistyped or removed."
	case fiber.StatusMethodNotAllowed:
		vm.Title, vm.Message = "Not allowed", "This address does not accept that kind of request."
	case fiber.StatusRequestEntityTooLarge:
		vm.Title, vm.Message = "Too large", "What was sent is larger than this system accepts."
	case fiber.StatusUnsupportedMediaType:
		vm.Title, vm.Message = "Unsupported content", "Send this form from the application's own page."
	case fiber.StatusServiceUnavailable:
		vm.Title, vm.Message = "Cannot reach the database", dbUnavailableMessage
		if errors.Is(err, errAuditDown) || (fe != nil && fe.Message == errAuditDown.Message) {
			vm.Title, vm.Message = "Audit trail unavailable", errAuditDown.Message
		}
		c.Set(fiber.HeaderRetryAfter, "5")
	case fiber.StatusBadRequest, fiber.StatusUnprocessableEntity, fiber.StatusTooManyRequests, fiber.StatusConflict:
		vm.Title, vm.Message = "Request refused", "The request could not be accepted."
		if fe != nil && fe.Message != "" && fe.Message != fiber.ErrBadRequest.Message {
			vm.Message = fe.Message
		}
	default:
		code = fiber.StatusInternalServerError
		vm.Status, vm.Title, vm.Message = code, "Something went wrong", "The problem has been logged. Nothing you did was lost on purpose: check the record and try again."
		vm.Incident = requestID(c)
		a.log.Error("request failed", "request_id", requestID(c), "path", c.Path(), "err", err.Error())
	}
	if code == fiber.StatusServiceUnavailable {
		a.log.Warn("database unavailable", "request_id", requestID(c), "path", c.Path(), "err", err.Error())
	}
	if u := currentUser(c); u != nil {
		vm.Home = homeFor(u.Roles)
	}
	c.Response().ResetBody()
	c.Status(code)
	a.setSecurityHeaders(c)
	if isPartial(c) {
		c.Set("HX-Retarget", "#flash")
		c.Set("HX-Reswap", "innerHTML")
		return render(c, views.ErrorFragment(vm))
	}
	return render(c, views.Page(a.pageVM(c, vm.Title), views.ErrorPage(vm)))
}

// dbUnavailableMessage is what a person sees when the database cannot be reached.
const dbUnavailableMessage = "Cannot reach the database — your entry was not saved. Try again in a moment; if this goes on, call IT."

// dbUnavailable reports errors that mean the database could not be reached in time: no
// server to select, a deadline, a broken or refused connection, a full connection pool,
// or a pool cleared after another operation's network error (which the driver does not
// label a network error).
func dbUnavailable(err error) bool {
	var (
		sel     topology.ServerSelectionError
		conn    topology.ConnectionError
		connP   *topology.ConnectionError
		wait    topology.WaitQueueTimeoutError
		waitP   *topology.WaitQueueTimeoutError
		cleared driver.RetryablePoolError
	)
	return errors.As(err, &sel) || errors.Is(err, context.DeadlineExceeded) || mongo.IsNetworkError(err) || mongo.IsTimeout(err) ||
		errors.As(err, &conn) || errors.As(err, &connP) || errors.As(err, &wait) || errors.As(err, &waitP) ||
		(errors.As(err, &cleared) && cleared.Retryable())
}
