package worksection

import (
	"io"

	"github.com/worksection-go/worksection/internal/transport"
)

// DecodeUsersFromStream decodes a get_users body from r as the client
// decodes a response stream, for the memory tests in package
// worksection_test.
func DecodeUsersFromStream(r io.Reader, size int64) ([]User, error) {
	l := &recordList[userWire, User, *userWire]{}
	_, err := readEnvelope(transport.NewBodyReader(r, defaultMaxBody, size), l)
	return l.items, err
}
