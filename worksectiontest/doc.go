// Package worksectiontest is an in-memory fake Worksection server for
// tests and examples. It serves the members API on /api/admin/v2 and
// /api/oauth2 and the OAuth2 endpoints on /oauth2/, checks signatures with
// its own code, keeps an account's state behind a mutex, answers with the
// recorded server's envelopes and quirks, and can inject faults.
//
//	srv := worksectiontest.NewServer()
//	defer srv.Close()
//	users, err := srv.Client().GetUsers(ctx)
//
// # Defaults are the recorded server's
//
// The defaults follow the vendor's recorded responses and clients, so that
// an SDK that drifts from them fails its tests; options switch on the
// alternatives.
//
//   - Envelopes put status first: {"status":"ok","data":…} and
//     {"status":"error","status_code":…,"message":…,"message_details":…},
//     with HTTP 200 for API errors. Empty maps are PHP's []. JSON is
//     encoded as PHP's json_encode does: non-ASCII characters as \uXXXX
//     escapes (astral ones as surrogate pairs), slashes and <>& unescaped.
//   - me answers with an object (the Postman recording) and only for access
//     tokens; the admin API answers "Action is invalid" with details
//     "method available only for access token". WithMeAsArray gives the
//     FAQ's one-element array; WithMeOnAdminAPI answers the owner on the
//     admin API.
//   - The md5 hash is PHP's: it must equal md5(http_build_query(the
//     received query parameters, in received order, without the trailing
//     hash) . key) in lower-case hex, with PHP's urlencode (letters, digits
//     and "-_." kept, space as '+', every other byte, '~' included, as
//     upper-case %XX). WithLenientHashes also accepts hashes over the bytes
//     as sent (RFC 3986 "%20", a bare '~') and over unencoded values (the
//     Postman collection's form), for clients in other languages.
//   - Each signing mode has one request shape. md5: every parameter in the
//     query of a GET or POST, the hash last, and no body (the hash would
//     not cover it, so a body is refused). HMAC ("Authorization: Admin
//     <t>_<hmac_sha256(key, action:t)>", t within 5 minutes): exactly the
//     vendor's 2026 clients' POST /api/admin/v2?action=<name> with
//     "Content-Type: application/json; charset=utf-8", every other
//     parameter in a JSON object body, ids (id_*) as JSON numbers, and an
//     empty body when there are none. Bearer: parameters in the query, and
//     on POST optionally in a JSON object body. A shape a mode does not
//     allow, and any form-encoded body, is refused with HTTP 400 and a
//     message saying what was expected. In JSON bodies true/false are 1/0.
//   - Stored text fields (names, titles, team and folder names, department,
//     phones, addresses) are trimmed of surrounding whitespace, and a blank
//     required field is missing. Emails are identifiers: checked as sent
//     and matched by ASCII case only, as PHP does.
//   - Access tokens live 24 hours (WithAccessTokenTTL), refresh rotates the
//     pair, and a second refresh with a used refresh token answers
//     invalid_grant.
//
// It behaves like the service where the service is documented or
// recorded; where it is not (messages for duplicates, unknown schedule
// users, how schedule updates are counted), its choices are documented on
// the handlers. It is not a substitute for a contract test against a real
// sandbox account.
//
// # Actions
//
// me, get_users, add_user, get_user_groups, add_user_group, get_contacts,
// add_contact, get_contact_groups, add_contact_group, subscribe,
// unsubscribe, get_users_schedule, update_users_schedule,
// add_project_members, delete_project_members, and the reads get_project
// (extra=users), get_task and get_tasks (extra=subscribers). Accessors
// (Users, Contacts, ProjectMembers, Schedule, TaskSubscribers, …) read the
// state back without the API.
//
// # Faults and limits
//
// Inject plays a Fault for the next requests naming an action: a 5xx, a
// 429 with Retry-After, an HTML gateway page, a delay, a body cut short or a
// connection dropped after the action was applied, or a 504 answered at
// once while the action is applied later (GatewayTimeoutThenApply; Drain
// waits for it). WithRateLimit refuses requests by arrival time, after an
// optional random WithNetworkDelay; RateLimited counts the refusals.
// Requests logs the last MaxLoggedRequests requests with their outcome and
// no secret (a request that did not authenticate keeps at most 1 KiB of
// its parameters), so a fake left running does not grow without bound;
// ActionCount counts every request since the start.
package worksectiontest
