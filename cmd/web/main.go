// Command web runs the hospital management system and its maintenance commands.
package main

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // HMS_TIMEZONE works on machines without zoneinfo

	"hms/handlers"
	"hms/metrics"
	"hms/static"
	"hms/store"
	"hms/store/backup"
	"hms/store/billing"
	"hms/store/catalog"
	"hms/store/consistency"
	"hms/store/identity"
	"hms/store/ipd"
	"hms/store/patients"
	"hms/store/retention"
	"hms/store/secret"
	"hms/store/seed"
)

const usage = `hms — hospital management system

Usage:
  web [serve]          run the web server (loads the demo hospital into an empty embedded database)
  web seed             load the demo hospital into an empty database, then exit;
                       --profile year|clinic|tiny [--seed N] generates a hospital's year of records
  web create-admin USERNAME "FULL NAME"
                       create an administrator; the password is read from HMS_ADMIN_PASSWORD
                       and must be changed at first sign-in
  web verify           check the audit trail's hash chain end to end; exits 1 at the first broken link
  web check [--repair] run every consistency check (audit chain, interrupted multi-document
                       writes, …) and print what it found; --repair re-applies pending follow-ups
  web backup [FILE]    write a compressed, checksummed snapshot of every collection to FILE
                       (default: a new file in HMS_BACKUP_DIR, keeping HMS_BACKUP_KEEP)
  web restore FILE     load a backup into an empty database and verify it (counts, checksums,
                       the audit chain)
  web purge [--dry-run]
                       delete what is past its retention period (sessions, failed-login
                       counters, closed queue boards; set on the admin retention page);
                       --dry-run only reports counts and oldest dates. The server also purges daily
  web rotate-key       re-seal and re-hash every ID number under HMS_ENCRYPTION_KEY, with the old
                       key in HMS_ENCRYPTION_KEY_PREVIOUS; resumable, reports counts. The server
                       runs it by itself at start while previous keys are set
  web --help           this text

In embedded mode the data directory is locked by the running server: stop it before
running seed, create-admin, backup or restore, or they refuse with a clear message; the
running server takes its own scheduled backups (HMS_BACKUP_EVERY).

`

func main() {
	cmd := "serve"
	if len(os.Args) > 1 {
		cmd = os.Args[1]
	}
	if cmd == "-h" || cmd == "--help" || cmd == "help" {
		fmt.Print(usage + envHelp)
		return
	}
	cfg, err := loadConfig()
	if err != nil {
		fail(err)
	}
	log := newLogger(cfg.LogLevel)
	slog.SetDefault(log)
	switch cmd {
	case "serve":
		err = serve(cfg, log)
	case "seed":
		err = seedCommand(cfg, log, os.Args[2:], os.Stdout)
	case "create-admin":
		err = createAdmin(cfg, log, os.Args[2:])
	case "verify":
		err = verifyChain(cfg, log, os.Stdout)
	case "check":
		err = runCheck(cfg, log, os.Args[2:], os.Stdout)
	case "backup":
		err = backupNow(cfg, log, os.Args[2:], os.Stdout)
	case "restore":
		err = restoreFrom(cfg, log, os.Args[2:], os.Stdout)
	case "purge":
		err = purgeNow(cfg, log, os.Args[2:], os.Stdout)
	case "rotate-key":
		err = rotateKey(cfg, log, os.Stdout)
	default:
		fmt.Fprintf(os.Stderr, "unknown command %q\n\n%s", cmd, usage)
		os.Exit(2)
	}
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "hms:", err)
	os.Exit(1)
}

func newLogger(level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: l}))
}

// withDB opens the database with every index, runs f, and closes it.
func withDB(cfg config, log *slog.Logger, f func(context.Context, *store.DB) error) error {
	return withDBMetrics(cfg, log, nil, f)
}

// withDBMetrics is withDB with the database's commands and connections observed by m.
func withDBMetrics(cfg config, log *slog.Logger, m *metrics.Metrics, f func(context.Context, *store.DB) error) error {
	ctx := context.Background()
	sc := store.Config{URI: cfg.MongoURI, Database: cfg.Database, DataDir: cfg.DataDir, Logger: log}
	sc.Timeout = cfg.DBTimeout
	if m != nil {
		sc.Monitor, sc.Pool = m.CommandMonitor(), m.PoolMonitor()
	}
	db, err := store.Open(ctx, sc)
	if err != nil {
		return err
	}
	defer db.Close(context.Background())
	if err := db.EnsureIndexes(ctx); err != nil {
		return err
	}
	return f(ctx, db)
}

func serve(cfg config, log *slog.Logger) error {
	key, err := cfg.sessionKey()
	if err != nil {
		return err
	}
	box, err := cfg.secretBox()
	if err != nil {
		return err
	}
	sig, err := cfg.signer()
	if err != nil {
		return err
	}
	log.Info("signing key", "key_id", sig.KeyID(), "public_key", base64.StdEncoding.EncodeToString(sig.PublicKey()))
	mets := metrics.New(cfg.SlowCommand, log)
	return withDBMetrics(cfg, log, mets, func(ctx context.Context, db *store.DB) error {
		pats := patients.New(db, box, log)
		if db.Embedded {
			loaded, err := seed.Demo(ctx, db, pats, log)
			if err != nil {
				return fmt.Errorf("demo data: %w", err)
			}
			if loaded {
				printDemoLogins()
			}
		}
		started := time.Now()
		n, err := pats.Load(ctx)
		if err != nil {
			return err
		}
		log.Info("patient search index loaded", "patients", n, "ms", time.Since(started).Milliseconds())
		if box.Rotating() || pats.ClearAtLoad() > 0 {
			go rotateInBackground(db, pats, box, log)
		}
		cat := catalog.New(db)
		s := newStores(cfg, log, db, cat, pats, sig)
		trail, opdStore, ipdStore, labStore, pharm := s.trail, s.opd, s.ipd, s.lab, s.ph
		if rep, err := trail.Recover(ctx); err != nil {
			return fmt.Errorf("audit trail: %w", err)
		} else {
			log.Info("audit trail ready", "report", fmt.Sprintf("%+v", rep))
		}
		if fixed, err := opdStore.Repair(ctx); err != nil {
			return fmt.Errorf("OPD repair: %w", err)
		} else if fixed > 0 {
			log.Info("OPD: completed interrupted writes", "count", fixed)
		}
		if fixed, err := ipdStore.Repair(ctx); err != nil {
			return fmt.Errorf("IPD repair: %w", err)
		} else if fixed > 0 {
			log.Info("IPD: completed interrupted writes", "count", fixed)
		}
		go sweepBedDays(context.Background(), ipdStore, log)
		if fixed, err := labStore.Repair(ctx); err != nil {
			return fmt.Errorf("lab repair: %w", err)
		} else if fixed > 0 {
			log.Info("lab: completed interrupted writes", "count", fixed)
		}
		if err := pharm.Repair(ctx); err != nil {
			log.Error("pharmacy repair", "err", err.Error()) // logged, not fatal: the rest of the hospital must start
		}
		// What is past its retention period (admin retention page) goes at start, then daily.
		if rep, err := retention.New(db).Purge(ctx, false, "start"); err != nil {
			log.Error("retention purge", "err", err.Error())
		} else {
			for _, c := range rep.Classes {
				if c.Deleted > 0 {
					log.Info("retention purge", "class", c.Class, "deleted", c.Deleted)
				}
			}
		}
		app, err := handlers.NewApp(handlers.Config{Hospital: cfg.Hospital, SessionKey: key, IdleTimeout: cfg.Idle,
			AbsoluteTimeout: cfg.Absolute, SecureCookies: cfg.Secure || cfg.tls(), Location: cfg.Location,
			TrustedProxies: cfg.TrustedProxies,
			Metrics:        mets, MetricsToken: cfg.MetricsToken, BackupEvery: cfg.BackupEvery,
			BackupKeep: cfg.BackupKeep},
			handlers.Deps{DB: db, Users: identity.NewUsers(db), Sessions: identity.NewSessions(db),
				Auth: identity.NewAuthenticator(db), Catalog: cat, Patients: pats, Accounts: billing.NewAccounts(db),
				Charges: billing.NewCharges(db), Billing: s.billing, OPD: opdStore, IPD: ipdStore, Lab: labStore, Pharmacy: pharm,
				Audit: trail, Static: static.FS, Log: log})
		if err != nil {
			return err
		}
		sigCtx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
		defer stop()
		go escalateCriticalResults(sigCtx, labStore, log)
		errCh := make(chan error, 1)
		go func() { errCh <- listen(app.Fiber(), cfg) }()
		if cfg.tls() && cfg.RedirectAddr != "" {
			defer redirectToHTTPS(cfg.RedirectAddr, cfg.Addr, log).Close()
		}
		go backup.Schedule(sigCtx, db, cfg.BackupDir, cfg.BackupEvery, cfg.BackupKeep, log)
		go consistency.Nightly(sigCtx, db, consistencyChecks(s), 24*time.Hour, log)
		go retention.Schedule(sigCtx, retention.New(db), 24*time.Hour, log)
		engine := "MongoDB"
		if db.Embedded {
			engine = "embedded FerretDB in " + cfg.DataDir
		}
		log.Info("listening", "addr", cfg.Addr, "database", engine)
		scheme := "http"
		if cfg.tls() {
			scheme = "https"
		}
		fmt.Fprintf(os.Stderr, "\n  HMS is running at %s://%s  (database: %s)\n  Demo logins: see README.md (password %s)\n\n", scheme, cfg.Addr, engine, seed.DemoPassword)
		select {
		case err := <-errCh:
			return err
		case <-sigCtx.Done():
		}
		log.Info("shutting down: finishing in-flight requests")
		if err := app.Fiber().ShutdownWithTimeout(20 * time.Second); err != nil {
			log.Error("shutdown", "err", err)
		}
		return nil
	})
}

// secretBox opens the sealer of ID numbers with HMS_ENCRYPTION_KEY.
func (c config) secretBox() (*secret.Box, error) {
	k, err := c.encryptionKey()
	if err != nil {
		return nil, err
	}
	prev, err := previousKeys()
	if err != nil {
		return nil, err
	}
	return secret.NewRing(k, prev...)
}

func printDemoLogins() {
	fmt.Fprintf(os.Stderr, "\nDemo hospital loaded. Sign in with any of these (password %q):\n", seed.DemoPassword)
	for _, l := range seed.DemoLogins {
		fmt.Fprintf(os.Stderr, "  %-12s %-20s %s\n", l.Username, l.Role, l.FullName)
	}
}

func createAdmin(cfg config, log *slog.Logger, args []string) error {
	if len(args) != 2 {
		return errors.New(`usage: web create-admin USERNAME "FULL NAME" (password in HMS_ADMIN_PASSWORD)`)
	}
	pw := os.Getenv("HMS_ADMIN_PASSWORD")
	username := identity.NormalizeUsername(args[0])
	if !identity.ValidUsername(username) {
		return errors.New("username: 3–32 characters a–z, 0–9, dot, dash, underscore, starting with a letter")
	}
	if err := identity.CheckPolicy(pw, username); err != nil {
		return fmt.Errorf("HMS_ADMIN_PASSWORD: %w", err)
	}
	return withDB(cfg, log, func(ctx context.Context, db *store.DB) error {
		_, err := identity.NewUsers(db).Create(ctx, identity.NewUser{Username: username, FullName: args[1],
			Roles: []string{string(handlers.RoleAdmin)}, Password: pw, MustChangePassword: true}, "create-admin")
		if errors.Is(err, store.ErrDuplicate) {
			return fmt.Errorf("user %s already exists", username)
		}
		if err == nil {
			fmt.Printf("Administrator %s created; the password must be changed at first sign-in.\n", username)
		}
		return err
	})
}

// sweepBedDays posts each passed night's bed-day charges now and then hourly, so a night
// is charged soon after midnight even when nobody opens the ward.
func sweepBedDays(ctx context.Context, s *ipd.Store, log *slog.Logger) {
	for {
		if _, err := s.SweepBedDays(ctx); err != nil {
			log.Warn("bed-day charges", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Hour):
		}
	}
}
