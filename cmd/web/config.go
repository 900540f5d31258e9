package main

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// config is read from the environment; every variable is listed in usage.
type config struct {
	Addr, DataDir, MongoURI, Database, Hospital, LogLevel string
	SessionKey                                            []byte
	Idle, Absolute                                        time.Duration
	Location                                              *time.Location
	Secure                                                bool
	SlowCommand                                           time.Duration
	MetricsToken                                          string
	BackupDir                                             string
	BackupEvery                                           time.Duration
	BackupKeep                                            int
	TLSCert, TLSKey, RedirectAddr                         string
	TrustedProxies                                        []string
	DBTimeout                                             time.Duration
}

// tls reports whether the server serves HTTPS itself.
func (c config) tls() bool { return c.TLSCert != "" && c.TLSKey != "" }

const envHelp = `Environment:
  HMS_ADDR              listen address (default localhost:8080)
  MONGODB_URI           MongoDB to use; unset = embedded FerretDB under HMS_DATA_DIR
  HMS_DATA_DIR          embedded database and key files (default ./data)
  HMS_DB_NAME           database name (default hms)
  HMS_SESSION_KEY       ≥32-byte secret for cookies and CSRF (base64 or raw); required with
                        MONGODB_URI, generated into HMS_DATA_DIR/session.key otherwise
  HMS_ENCRYPTION_KEY    ≥32-byte secret that encrypts and hashes ID numbers (base64 or raw);
                        required with MONGODB_URI, generated into HMS_DATA_DIR/encryption.key
                        otherwise. Losing it makes stored ID numbers unreadable: back it up.
  HMS_SIGNING_KEY       base64 Ed25519 seed (32 bytes) that signs clinical documents; required
                        with MONGODB_URI, generated into HMS_DATA_DIR/signing.key otherwise
  HMS_SIGNING_RETIRED_KEYS comma-separated base64 public keys of earlier signing keys: what
                        they signed still verifies after a rotation
  HMS_ENCRYPTION_KEY_PREVIOUS  old encryption keys, comma separated, during a key rotation
                        (see "web rotate-key"); remove them once the rotation reports done
  HMS_IDLE_TIMEOUT      sign out after this long without activity (default 15m)
  HMS_ABSOLUTE_TIMEOUT  sign out after this long whatever the activity (default 12h)
  HMS_TIMEZONE          the hospital's time zone (default Asia/Kolkata)
  HMS_HOSPITAL_NAME     name in the header (default City General Hospital)
  HMS_SECURE_COOKIES    1 when served over HTTPS by a proxy (Secure cookies, HSTS)
  HMS_TLS_CERT          PEM certificate (chain) file: the server speaks HTTPS itself, TLS 1.2+,
  HMS_TLS_KEY           with its PEM private key; Secure cookies and HSTS follow
  HMS_HTTP_REDIRECT_ADDR with TLS: also listen here (e.g. :80) and redirect to HTTPS
  HMS_TRUSTED_PROXIES   comma-separated addresses/CIDRs of TLS-terminating proxies whose
                        X-Forwarded-For is believed (default: none, the socket address counts)
  HMS_LOG_LEVEL         debug, info (default), warn, error
  HMS_DB_TIMEOUT        how long a request waits for an unreachable database before it is
                        refused with "cannot reach the database" (default 5s)
  HMS_SLOW_MS           log database commands slower than this many ms (default 200; 0 = off)
  HMS_BACKUP_DIR        where scheduled backups and "web backup" archives go (default HMS_DATA_DIR/backups)
  HMS_BACKUP_EVERY      how often the server takes a backup (default 24h; 0 = never)
  HMS_BACKUP_KEEP       how many archives to keep (default 7)
  HMS_METRICS_TOKEN     bearer token a Prometheus scraper sends for /metrics (administrators
                        can always open it signed in)
`

func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func loadConfig() (config, error) {
	c := config{Addr: env("HMS_ADDR", "localhost:8080"), DataDir: env("HMS_DATA_DIR", "data"),
		MongoURI: os.Getenv("MONGODB_URI"), Database: env("HMS_DB_NAME", "hms"),
		Hospital: env("HMS_HOSPITAL_NAME", "City General Hospital"), LogLevel: env("HMS_LOG_LEVEL", "info"),
		Secure: os.Getenv("HMS_SECURE_COOKIES") == "1", MetricsToken: os.Getenv("HMS_METRICS_TOKEN")}
	var err error
	slow, err := strconv.Atoi(env("HMS_SLOW_MS", "200"))
	if err != nil || slow < 0 {
		return c, fmt.Errorf("HMS_SLOW_MS: want a whole number of milliseconds")
	}
	c.SlowCommand = time.Duration(slow) * time.Millisecond
	if c.DBTimeout, err = time.ParseDuration(env("HMS_DB_TIMEOUT", "5s")); err != nil || c.DBTimeout <= 0 {
		return c, fmt.Errorf("HMS_DB_TIMEOUT: want a duration such as 5s")
	}
	c.TLSCert, c.TLSKey, c.RedirectAddr = os.Getenv("HMS_TLS_CERT"), os.Getenv("HMS_TLS_KEY"), os.Getenv("HMS_HTTP_REDIRECT_ADDR")
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return c, fmt.Errorf("HMS_TLS_CERT and HMS_TLS_KEY go together: set both or neither")
	}
	c.TrustedProxies = trustedProxies(os.Getenv("HMS_TRUSTED_PROXIES"))
	c.BackupDir = env("HMS_BACKUP_DIR", filepath.Join(c.DataDir, "backups"))
	if c.BackupEvery, err = time.ParseDuration(env("HMS_BACKUP_EVERY", "24h")); err != nil || c.BackupEvery < 0 {
		return c, fmt.Errorf("HMS_BACKUP_EVERY: want a duration such as 24h, or 0 for never")
	}
	if c.BackupKeep, err = strconv.Atoi(env("HMS_BACKUP_KEEP", "7")); err != nil || c.BackupKeep < 1 {
		return c, fmt.Errorf("HMS_BACKUP_KEEP: want a number of archives, at least 1")
	}
	if c.Idle, err = time.ParseDuration(env("HMS_IDLE_TIMEOUT", "15m")); err != nil || c.Idle <= 0 {
		return c, fmt.Errorf("HMS_IDLE_TIMEOUT: want a duration such as 15m")
	}
	if c.Absolute, err = time.ParseDuration(env("HMS_ABSOLUTE_TIMEOUT", "12h")); err != nil || c.Absolute < c.Idle {
		return c, fmt.Errorf("HMS_ABSOLUTE_TIMEOUT: want a duration such as 12h, not shorter than the idle timeout")
	}
	if c.Location, err = time.LoadLocation(env("HMS_TIMEZONE", "Asia/Kolkata")); err != nil {
		return c, fmt.Errorf("HMS_TIMEZONE: %w", err)
	}
	return c, nil
}

// sessionKey returns HMS_SESSION_KEY, or for the embedded demo a key generated once
// into the data directory (owner-only). A production deployment must set it.
func (c config) sessionKey() ([]byte, error) { return c.key("HMS_SESSION_KEY", "session.key") }

// encryptionKey returns HMS_ENCRYPTION_KEY the same way; it protects ID numbers.
func (c config) encryptionKey() ([]byte, error) { return c.key("HMS_ENCRYPTION_KEY", "encryption.key") }

func (c config) key(envName, file string) ([]byte, error) {
	if v := os.Getenv(envName); v != "" {
		if b, ok := decodeKey(v); ok {
			return b, nil
		}
		return nil, errors.New(envName + " must be at least 32 bytes")
	}
	if c.MongoURI != "" {
		return nil, errors.New(envName + " is required when MONGODB_URI is set")
	}
	path := filepath.Join(c.DataDir, file)
	if b, err := os.ReadFile(path); err == nil && len(b) >= 32 {
		return b, nil
	}
	b := make([]byte, 48)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return nil, err
	}
	return b, os.WriteFile(path, b, 0o600)
}

// decodeKey reads a key given as base64 or raw text; it must be at least 32 bytes.
func decodeKey(v string) ([]byte, bool) {
	if b, err := base64.StdEncoding.DecodeString(v); err == nil && len(b) >= 32 {
		return b, true
	}
	return []byte(v), len(v) >= 32
}
