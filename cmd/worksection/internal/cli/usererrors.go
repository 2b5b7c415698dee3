package cli

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	ws "github.com/worksection-go/worksection"
)

// userError is an error told in the user's terms (the flag or argument
// they typed); it unwraps to the error it explains, so errors.Is still
// sees the SDK's sentinels.
type userError struct {
	msg string
	err error
}

func (e *userError) Error() string { return e.msg }
func (e *userError) Unwrap() error { return e.err }

// errNotNumber is the reason of a number flag or argument that is not one.
var errNotNumber = errors.New("is not a number")

// flagError rewrites pflag's "invalid argument "abc" for "--max-invites"
// flag: strconv.ParseInt: ..." as `--max-invites "abc" is not a number`.
func flagError(c *cobra.Command, err error) error {
	var bad *pflag.InvalidValueError
	if !errors.As(err, &bad) {
		return fmt.Errorf("%w (see '%s --help')", err, c.CommandPath())
	}
	reason := bad.Unwrap().Error()
	var num *strconv.NumError
	if errors.As(err, &num) {
		reason = errNotNumber.Error()
	}
	return &userError{msg: fmt.Sprintf("--%s %q %s", bad.GetFlag().Name, bad.GetValue(), reason), err: err}
}

// sdkFieldAnnotation names, on a flag, the SDK field it fills when the
// names differ (--task fills TaskID).
const sdkFieldAnnotation = "worksection_sdk_field"

// fieldFlag marks flag name of c as the one filling the SDK field.
func fieldFlag(c *cobra.Command, name, field string) {
	_ = c.Flags().SetAnnotation(name, sdkFieldAnnotation, []string{field})
}

// inUserTerms tells an SDK validation error by the flag the user typed:
// "add_contact: invalid Name: required" becomes "--name is required". A
// flag fills the field named like it (Email: --email) or the one its
// annotation names (TaskID: --task). Other errors are returned as they are.
func inUserTerms(c *cobra.Command, err error) error {
	var ve *ws.ValidationError
	if c == nil || !errors.As(err, &ve) {
		return explainNotMember(err)
	}
	var found *pflag.Flag
	c.Flags().VisitAll(func(f *pflag.Flag) {
		if found == nil && (strings.EqualFold(f.Name, ve.Field) || slicesContain(f.Annotations[sdkFieldAnnotation], ve.Field)) {
			found = f
		}
	})
	if found == nil {
		return err
	}
	value := found.Value.String()
	switch ve.Reason {
	case "required":
		return &userError{msg: "--" + found.Name + " is required", err: err}
	case "want digits only":
		return &userError{msg: fmt.Sprintf("--%s %q is not a number", found.Name, value), err: err}
	case "not a valid email address":
		return &userError{msg: fmt.Sprintf("--%s %q is not a valid email address", found.Name, value), err: err}
	}
	return &userError{msg: fmt.Sprintf("--%s %q: %s", found.Name, value, ve.Reason), err: err}
}

func slicesContain(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// explainNotMember says which address the account does not know.
func explainNotMember(err error) error {
	var api *ws.APIError
	if !errors.Is(err, ws.ErrNotMember) || !errors.As(err, &api) {
		return err
	}
	addrs := strings.Split(api.Details, ",")
	verb := "is not a member"
	if len(addrs) > 1 {
		verb = "are not members"
	}
	return &userError{msg: fmt.Sprintf("%s %s of the account", strings.Join(addrs, ", "), verb), err: err}
}

// checkID refuses an id operand that is not a number, naming what it is:
// `task id "abc" is not a number`.
func checkID(operand, id string) error {
	if id == "" {
		return nil
	}
	for _, r := range id {
		if r < '0' || r > '9' {
			return fmt.Errorf("%s id %q %s", operand, id, errNotNumber)
		}
	}
	return nil
}

// checkAccountURL refuses an account URL typed without its scheme, which
// the SDK would call hostless: `--account-url "acme.worksection.com" has
// no scheme: use https://acme.worksection.com`.
func checkAccountURL(from, raw string) error {
	raw = strings.TrimSpace(raw)
	if raw == "" || strings.Contains(raw, "://") {
		return nil
	}
	shown := raw // the host only: user info and query may hold secrets
	if i := strings.IndexAny(shown, "/?#"); i >= 0 {
		shown = shown[:i]
	}
	if i := strings.LastIndexByte(shown, '@'); i >= 0 {
		shown = shown[i+1:]
	}
	return fmt.Errorf("%s %q has no scheme: use https://%s", from, shown, shown)
}
