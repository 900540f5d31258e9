package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"hms/store"
	"hms/store/patients"
	"hms/store/seed"
	"hms/store/seed/generate"
)

// seedCommand loads the demo hospital, or with --profile a generated one (a year of a
// 300-bed hospital, a clinic, or a tiny one) reproducible from --seed.
func seedCommand(cfg config, log *slog.Logger, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	profile := fs.String("profile", "", "generate a hospital: year (150,000 patients, ~1M charges), clinic (a tenth) or tiny")
	seedN := fs.Uint64("seed", 1, "the generator's seed: the same seed gives the same hospital")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var prof generate.Profile
	if *profile != "" {
		var err error
		if prof, err = generate.ProfileNamed(*profile); err != nil {
			return err
		}
	}
	return withDB(cfg, log, func(ctx context.Context, db *store.DB) error {
		box, err := cfg.secretBox()
		if err != nil {
			return err
		}
		pats := patients.New(db, box, log)
		if _, err := pats.Load(ctx); err != nil {
			return err
		}
		if *profile == "" {
			loaded, err := seed.Demo(ctx, db, pats, log)
			if err == nil && !loaded {
				fmt.Fprintln(out, "The database already has users; nothing loaded.")
			}
			return err
		}
		sig, err := cfg.signer() // the key the server will verify them with
		if err != nil {
			return err
		}
		c, err := generate.Run(ctx, db, pats, sig, prof, *seedN, os.Stderr, log)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "generated the %s profile (seed %d): %s\n", prof.Name, *seedN, c)
		return nil
	})
}
