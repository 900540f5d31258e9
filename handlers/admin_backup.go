package handlers

import (
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store/backup"
	"hms/store/consistency"
	"hms/views"
)

// backupStatus fills the admin home's backup card and its warnings: no backup yet, the
// last one failed, the last good one is older than its schedule, or the last
// consistency check found problems.
func (a *App) backupStatus(c *fiber.Ctx, vm *views.AdminVM) error {
	st, err := backup.LastRuns(c.UserContext(), a.DB, a.cfg.BackupEvery)
	if err != nil {
		return err
	}
	rep, err := consistency.Last(c.UserContext(), a.DB)
	if err != nil {
		return err
	}
	vm.CheckWarning = rep.Summary()
	now := time.Now()
	vm.BackupWarning = st.Overdue(now)
	vm.LastBackup, vm.LastBackupNote = "None yet", "The server writes one every "+a.cfg.BackupEvery.String()+" into HMS_BACKUP_DIR"
	if a.cfg.BackupEvery <= 0 {
		vm.LastBackupNote = "Scheduled backups are off"
	}
	if !st.Good.At.IsZero() {
		vm.LastBackup = views.Ago(now, st.Good.At)
		vm.LastBackupNote = fmt.Sprintf("%d documents, %s · %s", st.Good.Documents, views.Bytes(st.Good.Bytes),
			st.Good.At.In(a.cfg.Location).Format("2 Jan 15:04"))
	}
	return nil
}
