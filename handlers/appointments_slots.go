package handlers

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/views"
)

// deskSlotPanel builds a doctor's slots on date for the booking or reschedule form.
func (a *App) deskSlotPanel(c *fiber.Ctx, action, doctor, date string, errs map[string]string) (views.SlotPanelVM, error) {
	vm := views.SlotPanelVM{CSRF: a.csrfToken(c), Action: action, Doctor: doctor, Date: date, Errors: errs}
	p, ok, err := a.deskDoctor(c, doctor)
	switch {
	case err != nil:
		return vm, err
	case doctor == "":
		vm.Message = "Choose a doctor to see the day's slots."
		return vm, nil
	case !ok:
		vm.Message = "Choose a doctor from the list."
		return vm, nil
	case !deskHasOption(a.deskDates(), date):
		vm.Message = "Choose a date from the list: today or one of the next 14 days."
		return vm, nil
	}
	slots, err := a.OPD.FreeSlots(c.UserContext(), doctor, date)
	if err != nil {
		return vm, err
	}
	vm.DoctorName, vm.DateLabel, vm.Room = p.FullName, a.deskDayLabel(date), p.Room
	for _, s := range slots {
		sv := views.SlotVM{Value: s.Start.UTC().Format(time.RFC3339), Time: a.deskClock(s.Start), Taken: s.Taken, Past: s.Past}
		if sv.Free() {
			vm.Free++
		}
		vm.Slots = append(vm.Slots, sv)
	}
	return vm, nil
}
