package handlers

import (
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store/backup"
	"hms/views"
)

// backupStatus fills the admin home's backup card and its warning: no backup yet, the
// last one failed, or the last good one is older than its schedule.
func (a *App) backupStatus(c *fiber.Ctx, vm *views.AdminVM) error {
	st, err := backup.LastRuns(c.UserContext(), a.DB, a.cfg.BackupEvery)
	if err != nil {
		return err
	}
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
