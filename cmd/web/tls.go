package main

import (
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// listen serves the app over HTTPS when a certificate is configured (TLS 1.2 or newer),
// otherwise over plain HTTP (behind a TLS-terminating proxy, or the local demo).
func listen(app *fiber.App, cfg config) error {
	if !cfg.tls() {
		return app.Listen(cfg.Addr)
	}
	cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	return app.Listener(tls.NewListener(ln, &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}))
}

// redirectToHTTPS answers every plain-HTTP request on addr with a permanent redirect to
// the same path over HTTPS (the HTTPS port taken from the main address).
func redirectToHTTPS(addr, httpsAddr string, log *slog.Logger) *http.Server {
	_, port, _ := net.SplitHostPort(httpsAddr)
	srv := &http.Server{Addr: addr, ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		if port != "" && port != "443" {
			host = net.JoinHostPort(host, port)
		}
		target := "https://" + host + r.URL.EscapedPath()
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, target, http.StatusPermanentRedirect)
	})}
	go func() {
		if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http → https redirect", "addr", addr, "err", err)
		}
	}()
	return srv
}

// trustedProxies splits HMS_TRUSTED_PROXIES (addresses or CIDR ranges, comma-separated).
func trustedProxies(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
