package identity_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"hms/store"
	"hms/store/identity"
	"hms/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

const goodPassword = "correct horse battery staple"

func newUser(t *testing.T, db *store.DB, name string) identity.User {
	t.Helper()
	u, err := identity.NewUsers(db).Create(context.Background(), identity.NewUser{
		Username: name, FullName: "Asha Verma", Roles: []string{"nurse"}, Password: goodPassword}, "test")
	require.NoError(t, err)
	return u
}

func TestPasswordsAreStoredAsArgon2id(t *testing.T) {
	db := storetest.DB(t)
	u := newUser(t, db, "asha")
	assert.True(t, strings.HasPrefix(u.PasswordHash, "$argon2id$"), u.PasswordHash)
	assert.NotContains(t, u.PasswordHash, goodPassword)
	assert.True(t, identity.CheckPassword(u.PasswordHash, goodPassword))
	assert.False(t, identity.CheckPassword(u.PasswordHash, goodPassword+"x"))
	// argon2id hashes the whole password: no 72-byte truncation as with bcrypt
	long := strings.Repeat("a", 72)
	h, err := identity.HashPassword(long + "tail-one")
	require.NoError(t, err)
	assert.False(t, identity.CheckPassword(h, long+"tail-two"))
}

func TestUsernamesAreUniqueAndPlainASCII(t *testing.T) {
	db := storetest.DB(t)
	newUser(t, db, "admin2")
	users := identity.NewUsers(db)
	_, err := users.Create(context.Background(), identity.NewUser{Username: "admin2", Password: goodPassword}, "t")
	assert.ErrorIs(t, err, store.ErrDuplicate)
	for _, bad := range []string{"ａｄｍｉｎ", "аdmin", "ad", "Admin", "x y", ""} {
		assert.False(t, identity.ValidUsername(bad), bad)
	}
}

func TestPasswordPolicy(t *testing.T) {
	assert.ErrorIs(t, identity.CheckPolicy("short-pass1", ""), identity.ErrPasswordShort)
	assert.ErrorIs(t, identity.CheckPolicy("Password1234", ""), identity.ErrPasswordCommon)
	assert.ErrorIs(t, identity.CheckPolicy(strings.Repeat("x", 129), ""), identity.ErrPasswordLong)
	assert.ErrorIs(t, identity.CheckPolicy("asha.verma-secret", "asha.verma"), identity.ErrPasswordCommon)
	assert.NoError(t, identity.CheckPolicy(strings.Repeat("k", 64), ""))
}

func TestLoginLocksOutAfterFiveFailuresEvenWithTheRightPassword(t *testing.T) {
	db := storetest.DB(t)
	newUser(t, db, "ravi")
	auth := identity.NewAuthenticator(db)
	ctx := context.Background()
	for i := 1; i < identity.MaxFailures; i++ {
		_, err := auth.Login(ctx, "ravi", "wrong password!!")
		require.ErrorIs(t, err, identity.ErrBadCredentials, "attempt %d", i)
	}
	_, err := auth.Login(ctx, "ravi", "wrong password!!")
	require.ErrorIs(t, err, identity.ErrLockedOut)
	_, err = auth.Login(ctx, "ravi", goodPassword)
	require.ErrorIs(t, err, identity.ErrLockedOut, "the right password during lockout is refused too")

	require.NoError(t, auth.Unlock(ctx, "ravi"))
	_, err = auth.Login(ctx, "ravi", goodPassword)
	require.NoError(t, err)
}

func TestUnknownUserGetsTheSameErrorAndIsCountedToo(t *testing.T) {
	db := storetest.DB(t)
	auth := identity.NewAuthenticator(db)
	_, err := auth.Login(context.Background(), "nobody", "whatever-password")
	assert.ErrorIs(t, err, identity.ErrBadCredentials)
	n, err := auth.Failures(context.Background(), "nobody")
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
}

func TestFiftyParallelWrongPasswordsAreAllCounted(t *testing.T) {
	db := storetest.DB(t)
	newUser(t, db, "meera")
	auth := identity.NewAuthenticator(db)
	ctx := context.Background()
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, _ = auth.Login(ctx, "meera", "not the password")
		}()
	}
	close(start)
	wg.Wait()
	n, err := auth.Failures(ctx, "meera")
	require.NoError(t, err)
	// every attempt that got past the lock check was counted; none was lost
	assert.GreaterOrEqual(t, n, int64(identity.MaxFailures))
	_, err = auth.Login(ctx, "meera", goodPassword)
	assert.ErrorIs(t, err, identity.ErrLockedOut)
}

func TestSessionCreateLookupRevokeExpire(t *testing.T) {
	db := storetest.DB(t)
	u := newUser(t, db, "kiran")
	sessions := identity.NewSessions(db)
	ctx := context.Background()

	token, sess, err := sessions.Create(ctx, u, time.Hour, "127.0.0.1", "test")
	require.NoError(t, err)
	assert.NotEqual(t, token, sess.ID, "the record id is a hash of the token, not the token")
	got, err := sessions.ByToken(ctx, token)
	require.NoError(t, err)
	assert.Equal(t, "kiran", got.UserID)
	assert.True(t, got.Active(time.Now(), 15*time.Minute))
	assert.False(t, got.Active(time.Now().Add(16*time.Minute), 15*time.Minute), "idle timeout")
	assert.False(t, got.Active(time.Now().Add(2*time.Hour), 24*time.Hour), "absolute timeout")

	_, err = sessions.ByToken(ctx, identity.NewToken())
	assert.ErrorIs(t, err, store.ErrNotFound)

	require.NoError(t, sessions.Revoke(ctx, sess.ID, "kiran"))
	got, err = sessions.ByToken(ctx, token)
	require.NoError(t, err)
	assert.False(t, got.Active(time.Now(), time.Hour))

	// a password change revokes every other session of the user
	t1, _, _ := sessions.Create(ctx, u, time.Hour, "", "")
	t2, keep, _ := sessions.Create(ctx, u, time.Hour, "", "")
	n, err := sessions.RevokeUser(ctx, "kiran", keep.ID, "kiran")
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
	s1, _ := sessions.ByToken(ctx, t1)
	s2, _ := sessions.ByToken(ctx, t2)
	assert.False(t, s1.Active(time.Now(), time.Hour))
	assert.True(t, s2.Active(time.Now(), time.Hour))
}
