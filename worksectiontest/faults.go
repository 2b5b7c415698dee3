package worksectiontest

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

type faultKind int

const (
	faultStatus faultKind = iota + 1
	faultTooMany
	faultHTML
	faultTruncate
	faultDelay
	faultDrop
	faultGateway
)

// Fault is a failure the server plays instead of (or after) handling a
// request. Build one with ServerError, TooManyRequests, HTMLPage,
// TruncatedBody, Delay, DropAfterApply or GatewayTimeoutThenApply and
// pass it to Inject.
type Fault struct {
	kind       faultKind
	status     int
	retryAfter time.Duration
	delay      time.Duration
}

// ServerError answers with the HTTP status (a 5xx) and a plain-text body;
// the action is not applied.
func ServerError(status int) Fault { return Fault{kind: faultStatus, status: status} }

// TooManyRequests answers HTTP 429 with a Retry-After header of whole
// seconds (none if zero); the action is not applied.
func TooManyRequests(retryAfter time.Duration) Fault {
	return Fault{kind: faultTooMany, retryAfter: retryAfter}
}

// HTMLPage answers HTTP 502 with an nginx-style HTML page; the action is
// not applied.
func HTMLPage() Fault { return Fault{kind: faultHTML} }

// TruncatedBody applies the action, then sends only half of the response
// body before closing the connection.
func TruncatedBody() Fault { return Fault{kind: faultTruncate} }

// Delay waits d before handling the request. If the client gives up
// first, the action is not applied.
func Delay(d time.Duration) Fault { return Fault{kind: faultDelay, delay: d} }

// DropAfterApply applies the action, then closes the connection without
// answering.
func DropAfterApply() Fault { return Fault{kind: faultDrop} }

// GatewayTimeoutThenApply answers HTTP 504 (an nginx "Gateway Time-out"
// page) at once and applies the action after, in the background, as a
// gateway whose upstream is still working would. The request skips the
// rate limit; its credential is checked on arrival. Its log entry's
// outcome is completed when the action is applied; Drain waits for that.
func GatewayTimeoutThenApply(after time.Duration) Fault {
	return Fault{kind: faultGateway, delay: after}
}

// String names the fault for the request log.
func (f Fault) String() string {
	switch f.kind {
	case faultStatus:
		return fmt.Sprintf("HTTP %d", f.status)
	case faultTooMany:
		return fmt.Sprintf("HTTP 429, Retry-After %s", f.retryAfter)
	case faultHTML:
		return "HTML page"
	case faultTruncate:
		return "truncated body"
	case faultDelay:
		return fmt.Sprintf("delay %s", f.delay)
	case faultDrop:
		return "dropped after apply"
	case faultGateway:
		return fmt.Sprintf("HTTP 504, applied after %s", f.delay)
	}
	return "none"
}

// Inject plays f for the next n requests naming action ("*" for any
// action). Faults queue in the order injected.
func (s *Server) Inject(action string, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults[action] = append(s.faults[action], f)
	}
}

func (s *Server) takeFault(action string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, key := range []string{action, "*"} {
		if q := s.faults[key]; len(q) > 0 {
			s.faults[key] = q[1:]
			return q[0], true
		}
	}
	return Fault{}, false
}

const (
	nginx502 = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
	nginx504 = "<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n<center><h1>504 Gateway Time-out</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)

func writeHTML(w http.ResponseWriter, status int, page string) {
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(page))
}

// gatewayTimeout plays GatewayTimeoutThenApply: it logs the request, answers
// 504 and applies the action after the delay unless the server closes.
func (s *Server) gatewayTimeout(w http.ResponseWriter, in incoming, logged Request, after time.Duration) {
	logged.Outcome = fmt.Sprintf("fault: HTTP 504, applying after %s", after)
	s.mu.Lock()
	seq := s.logLocked(logged)
	s.pending++
	s.mu.Unlock()
	writeHTML(w, http.StatusGatewayTimeout, nginx504)
	go func() {
		t := time.NewTimer(after)
		defer t.Stop()
		outcome := "not applied: server closed"
		select {
		case <-s.closed:
		case <-t.C:
			outcome = "ok"
			if _, e := s.apply(in); e != nil {
				outcome = e.message
			}
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		s.logUpdateLocked(seq, fmt.Sprintf("fault: HTTP 504, applied after %s: %s", after, outcome))
		if s.pending--; s.pending == 0 {
			s.idle.Broadcast()
		}
	}()
}

// before plays the faults that replace handling; it reports whether the
// response has been written.
func (f Fault) before(w http.ResponseWriter, r *http.Request) bool {
	switch f.kind {
	case faultStatus:
		http.Error(w, http.StatusText(f.status), f.status)
	case faultTooMany:
		if f.retryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(f.retryAfter.Round(time.Second)/time.Second)))
		}
		http.Error(w, "Too Many Requests", http.StatusTooManyRequests)
	case faultHTML:
		writeHTML(w, http.StatusBadGateway, nginx502)
	case faultDelay:
		t := time.NewTimer(f.delay)
		defer t.Stop()
		select {
		case <-t.C:
			return false
		case <-r.Context().Done():
			return true // the client gave up; the action is not applied
		}
	default:
		return false
	}
	return true
}

// after plays the faults that corrupt the answer of an applied action; it
// reports whether the response has been handled.
func (f Fault) after(w http.ResponseWriter, body okBody) bool {
	switch f.kind {
	case faultTruncate:
		b := phpJSON(body)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(b[:len(b)/2])
		// Returning with less than Content-Length makes the server close
		// the connection, so the client sees a cut body.
		return true
	case faultDrop:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return true
			}
		}
		panic(http.ErrAbortHandler) // aborts the response without an answer
	}
	return false
}
