package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"hms/store"
	"hms/store/billing"
	"hms/store/patients"
	"hms/store/secret"
)

// previousKeys reads HMS_ENCRYPTION_KEY_PREVIOUS: the keys of before a rotation, comma
// separated, each base64 or raw like HMS_ENCRYPTION_KEY.
func previousKeys() ([][]byte, error) {
	var out [][]byte
	for _, v := range strings.Split(os.Getenv("HMS_ENCRYPTION_KEY_PREVIOUS"), ",") {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		k, ok := decodeKey(v)
		if !ok {
			return nil, errors.New("HMS_ENCRYPTION_KEY_PREVIOUS: every key must be at least 32 bytes")
		}
		out = append(out, k)
	}
	return out, nil
}

// rotateKey re-seals and re-hashes every stored ID number under HMS_ENCRYPTION_KEY. It
// needs the old key in HMS_ENCRYPTION_KEY_PREVIOUS; against MongoDB it runs beside the
// serving instances, and a stopped run is resumed by running it again.
func rotateKey(cfg config, log *slog.Logger, out io.Writer) error {
	box, err := cfg.secretBox()
	if err != nil {
		return err
	}
	if !box.Rotating() {
		return errors.New("rotate-key: set the new key in HMS_ENCRYPTION_KEY and the old one in HMS_ENCRYPTION_KEY_PREVIOUS")
	}
	return withDB(cfg, log, func(ctx context.Context, db *store.DB) error {
		return runRotation(ctx, db, patients.New(db, box, log), box, out)
	})
}

// runRotation is the rotation itself, shared by the command and the server's start.
func runRotation(ctx context.Context, db *store.DB, pats *patients.Store, box *secret.Box, out io.Writer) error {
	fmt.Fprintf(out, "rotating ID numbers to key %s\n", box.KeyID())
	rep, err := pats.RotateKey(ctx, 500, func(r patients.RotateReport) {
		fmt.Fprintf(out, "  %d patients read, %d re-sealed\n", r.Scanned, r.Resealed)
	})
	if err != nil {
		return err
	}
	copies, err := billing.New(db).ResealMembers(ctx, box, 500)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "member numbers on invoices and claims re-sealed %d\n", copies)
	fmt.Fprintf(out, "patients read %d, re-sealed %d, already current %d, to retry %d, unreadable %d; member numbers sealed %d\n",
		rep.Scanned, rep.Resealed, rep.Current, rep.Retry, rep.Unreadable, rep.Members)
	if !rep.Done() {
		return fmt.Errorf("rotate-key: %d records still under an old key: run it again (unreadable ones need their key in HMS_ENCRYPTION_KEY_PREVIOUS)", rep.Retry+rep.Unreadable)
	}
	fmt.Fprintln(out, "done: every ID and member number is under the current key; HMS_ENCRYPTION_KEY_PREVIOUS can be removed")
	return nil
}

// rotateInBackground moves ID numbers and member numbers to the current key (sealing any
// member number still in clear) while the server serves (the
// embedded engine's data directory is locked by the server, so "web rotate-key" cannot
// run beside it there).
func rotateInBackground(db *store.DB, pats *patients.Store, box *secret.Box, log *slog.Logger) {
	rep, err := pats.RotateKey(context.Background(), 500, nil)
	if err == nil {
		var copies int
		copies, err = billing.New(db).ResealMembers(context.Background(), box, 500)
		rep.Members += copies
	}
	switch {
	case err != nil:
		log.Error("key rotation", "err", err.Error())
	case !rep.Done():
		log.Warn("key rotation: some identifiers are still under an old key or in clear; restart or run web rotate-key",
			"resealed", rep.Resealed, "retry", rep.Retry, "unreadable", rep.Unreadable)
	default:
		log.Info("identifiers sealed under the current key", "key", box.KeyID(), "resealed", rep.Resealed, "member_numbers", rep.Members)
	}
}
