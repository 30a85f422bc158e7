package directory

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"slices"
	"strings"

	"github.com/o365go/o365"
)

// Administration of users, which needs application permissions
// (User.ReadWrite.All) or an administrator's delegated ones.

// NewUser returns a user that CreateUser creates: an enabled account with
// the given names and a password the user must change at first sign-in.
func NewUser(displayName, userPrincipalName, password string) *o365.User {
	enabled := true
	nick, _, _ := strings.Cut(userPrincipalName, "@")
	return &o365.User{
		AccountEnabled:    &enabled,
		DisplayName:       displayName,
		UserPrincipalName: userPrincipalName,
		MailNickname:      nick,
		PasswordProfile:   &o365.PasswordProfile{Password: password, ForceChangePasswordNextSignIn: true},
	}
}

// CreateUser creates u, which needs AccountEnabled, DisplayName,
// MailNickname, UserPrincipalName and a PasswordProfile (see NewUser); u
// becomes the created user, bound to the directory. Creating is safe to
// repeat after a lost answer: after an uncertain failure CreateUser looks
// the user principal name up before creating again.
//
// Graph: POST /users (https://learn.microsoft.com/graph/api/user-post-users).
func (d *Directory) CreateUser(ctx context.Context, u *o365.User) error {
	var missing []string
	for name, set := range map[string]bool{
		"AccountEnabled": u.AccountEnabled != nil, "DisplayName": u.DisplayName != "", "MailNickname": u.MailNickname != "",
		"UserPrincipalName": u.UserPrincipalName != "", "PasswordProfile": u.PasswordProfile != nil && u.PasswordProfile.Password != "",
	} {
		if !set {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("directory: create user: %s must be set (directory.NewUser sets them)", strings.Join(slices.Sorted(slices.Values(missing)), ", "))
	}
	if err := o365.BindNew(u, d.acct, "/users"); err != nil {
		return err
	}
	body, err := o365.Changes(u)
	if err != nil {
		return fmt.Errorf("directory: create user: %w", err)
	}
	upn := u.UserPrincipalName
	err = o365.Once(ctx, func() error {
		_, err := d.acct.Do(ctx, &o365.Request{Method: http.MethodPost, Path: "/users", Body: body}, u)
		return err
	}, func() (bool, error) {
		found, err := d.GetUser(ctx, upn, nil)
		if errors.Is(err, o365.ErrNotFound) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("looking for the user: %w", err)
		}
		*u = *found
		return true, nil
	})
	if err != nil {
		return fmt.Errorf("directory: create user %q: %w", upn, err)
	}
	// The service never returns the password: forget it here too.
	u.PasswordProfile = nil
	return bindUser(u, d.acct)
}

// UpdateUser saves the properties of u changed since it was loaded (a user
// from GetUser or ListUsers); nothing is sent when there are none.
//
// Graph: PATCH /users/{id} (https://learn.microsoft.com/graph/api/user-update).
func (d *Directory) UpdateUser(ctx context.Context, u *o365.User) error {
	if err := o365.Save(ctx, u); err != nil {
		return fmt.Errorf("directory: update user %q: %w", u.ID, err)
	}
	return nil
}

// SetAccountEnabled enables or disables a user's account: a disabled user
// cannot sign in.
//
// Graph: PATCH /users/{id} (https://learn.microsoft.com/graph/api/user-update).
func (d *Directory) SetAccountEnabled(ctx context.Context, userID string, enabled bool) error {
	req := &o365.Request{Method: http.MethodPatch, Path: userPath(userID), Body: map[string]bool{"accountEnabled": enabled}, Idempotent: true}
	if _, err := d.acct.Do(ctx, req, nil); err != nil {
		return fmt.Errorf("directory: set account enabled of %q: %w", userID, err)
	}
	return nil
}

// DeleteUser deletes a user into directory/deletedItems, from where
// RestoreUser brings them back for 30 days.
//
// Graph: DELETE /users/{id} (https://learn.microsoft.com/graph/api/user-delete).
func (d *Directory) DeleteUser(ctx context.Context, userID string) error {
	if _, err := d.acct.Do(ctx, &o365.Request{Method: http.MethodDelete, Path: userPath(userID)}, nil); err != nil {
		return fmt.Errorf("directory: delete user %q: %w", userID, err)
	}
	return nil
}

// ListDeletedUsers lists the users in directory/deletedItems. Without q it
// selects their names, addresses and deletedDateTime, which a user's
// default properties leave out.
//
// Graph: GET /directory/deletedItems/microsoft.graph.user
// (https://learn.microsoft.com/graph/api/directory-deleteditems-list).
func (d *Directory) ListDeletedUsers(ctx context.Context, q *o365.Query) iter.Seq2[*o365.User, error] {
	if q == nil {
		q = o365.NewQuery().Select("id", "displayName", "userPrincipalName", "mail", "jobTitle", "deletedDateTime")
	}
	return o365.List[o365.User](ctx, d.acct, &o365.Request{Path: "/directory/deletedItems/microsoft.graph.user", Query: advanced(q), Collection: "/directory/deletedItems"})
}

// RestoreUser restores a deleted user and returns them. It fails when
// another user took their principal name meanwhile: RestoreUserAs then
// restores them under a new one.
//
// Graph: POST /directory/deletedItems/{id}/restore
// (https://learn.microsoft.com/graph/api/directory-deleteditems-restore).
func (d *Directory) RestoreUser(ctx context.Context, userID string) (*o365.User, error) {
	return d.RestoreUserAs(ctx, userID, "")
}

// RestoreUserAs restores a deleted user under the principal name newUPN
// (in one of the tenant's domains); an empty newUPN keeps theirs.
//
// Graph: POST /directory/deletedItems/{id}/restore with newUserPrincipalName
// (https://learn.microsoft.com/graph/api/directory-deleteditems-restore).
func (d *Directory) RestoreUserAs(ctx context.Context, userID, newUPN string) (*o365.User, error) {
	var u o365.User
	req := &o365.Request{Method: http.MethodPost, Path: "/" + o365.Path("directory", "deletedItems", userID, "restore"), Idempotent: true}
	if newUPN != "" {
		req.Body = map[string]string{"newUserPrincipalName": newUPN}
	}
	if _, err := d.acct.Do(ctx, req, &u); err != nil {
		return nil, fmt.Errorf("directory: restore user %q: %w", userID, err)
	}
	return &u, bindUser(&u, d.acct)
}

// PurgeDeleted deletes a deleted user or group for good: it can no longer
// be restored.
//
// Graph: DELETE /directory/deletedItems/{id}
// (https://learn.microsoft.com/graph/api/directory-deleteditems-delete).
func (d *Directory) PurgeDeleted(ctx context.Context, id string) error {
	if _, err := d.acct.Do(ctx, &o365.Request{Method: http.MethodDelete, Path: "/" + o365.Path("directory", "deletedItems", id)}, nil); err != nil {
		return fmt.Errorf("directory: purge %q: %w", id, err)
	}
	return nil
}

// SetManager makes managerID the manager of userID, replacing any other.
//
// Graph: PUT /users/{id}/manager/$ref
// (https://learn.microsoft.com/graph/api/user-post-manager).
func (d *Directory) SetManager(ctx context.Context, userID, managerID string) error {
	ref := map[string]string{"@odata.id": d.acct.Protocol().ServiceURL() + o365.Path("users", managerID)}
	req := &o365.Request{Method: http.MethodPut, Path: userPath(userID, "manager", "$ref"), Body: ref}
	if _, err := d.acct.Do(ctx, req, nil); err != nil {
		return fmt.Errorf("directory: set manager of %q: %w", userID, err)
	}
	return nil
}

// RemoveManager removes a user's manager.
//
// Graph: DELETE /users/{id}/manager/$ref
// (https://learn.microsoft.com/graph/api/user-delete-manager).
func (d *Directory) RemoveManager(ctx context.Context, userID string) error {
	if _, err := d.acct.Do(ctx, &o365.Request{Method: http.MethodDelete, Path: userPath(userID, "manager", "$ref")}, nil); err != nil {
		return fmt.Errorf("directory: remove manager of %q: %w", userID, err)
	}
	return nil
}
