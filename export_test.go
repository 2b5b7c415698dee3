package worksection

import (
	"io"

	"github.com/worksection-go/worksection/internal/wire"
)

// DecodeUsersFromStream decodes a get_users body from r the way a client
// that streams its responses does (wire.DecodeReader), for the memory
// tests in package worksection_test.
func DecodeUsersFromStream(r io.Reader, size int64) ([]User, error) {
	list := &wire.List[userWire, User]{Rec: userRecord, Conv: (*userWire).user}
	_, _, err := wire.DecodeReader(r, 64<<20, size, list)
	return list.Items, err
}
