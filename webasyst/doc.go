// Package webasyst is a typed client for Webasyst Teamwork's team list,
// the tasks.team.getList method: the colleagues with access to Teamwork,
// with contact details, groups, task counts, the last action and calendar
// status.
//
//	c, err := webasyst.NewClient("https://team.example.com", token) // a token with the "tasks" scope
//	team, err := c.TeamList(ctx)
//	for _, tm := range team {
//		fmt.Println(tm.Contact.Name, tm.ContactInfo.PrimaryEmail(), tm.Groups.First())
//	}
//
// # Wire
//
// JSON only: Teamwork's XML output is broken on the server. The token goes
// in the Authorization: Bearer header; WithTokenInQuery sends
// ?access_token= for servers that drop the header.
//
// Nullable fields are pointers (Status, LastLog, InviteLink, the
// ContactInfo scalars). ContactInfo uses Go names: FirstName, MiddleName,
// LastName, JobTitle (wire firstname, middlename, lastname, jobtitle).
// Groups is a list of {ID, Name} in the server's order, read from the
// server's id ⇒ name object or PHP's []; Groups.First is the first of
// them. Ids and counts are int64; LastLog.CreateDatetime is a time.Time.
//
// # Errors
//
// A top-level "error" key is an error whatever the HTTP status: *APIError
// {HTTPStatus, Code, Description} reads error_description (framework) or
// error_message (Tasks app, sent with HTTP 200). errors.Is matches
// ErrUnauthorized (invalid_token, token_required, HTTP 401), ErrForbidden
// (access_denied, 403) and ErrPaymentRequired (licence not active, 402).
// Other bodies (an HTML page, an empty or truncated body) are
// *ResponseError, which matches the same sentinels by HTTP status.
//
// # Secrets
//
// The token stays secret: no fmt verb or slog handler prints it, for a
// *Client or a Client value; an error code, description or body excerpt in
// which the server echoes the token (as sent, JSON-, URL- or HTML-escaped,
// or in another letter case) is withheld whole; decode errors name the
// field and the expected shape ("decoding data[3].last_log.create_datetime:
// want an RFC 3339 time") and never quote the response. Redirects that
// change scheme, host or port are refused. NewClient refuses a token or
// user agent with CR, LF or another control character.
//
// # Testing and the import
//
// Package webasysttest is a fake serving a seeded team (people without
// email, empty groups as [], null status and last action, an invited user)
// with the framework's token checks and error shapes. It writes the
// recorded JSON with its own wire types (\/ in URLs, groups as an ordered
// id ⇒ name object, create_datetime with +00:00), so a wrong tag in the
// client's types fails the tests.
//
// The roster package turns a team into a Worksection roster
// (roster.FromWebasyst), and `worksection sync plan|apply --from webasyst`
// or `go run ./examples/import-webasyst [-apply]` carry it over: first and
// last name, job title, the first Webasyst group as the Worksection team
// (created if missing), role user; people already in Worksection (by email,
// ignoring case) are skipped and teammates without an email are listed. A
// built-in fake stands in for Webasyst only when the Worksection side is
// fake too.
package webasyst
