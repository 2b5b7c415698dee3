package worksection

import "io"

// DecodeUsersFromStream decodes a get_users body from r as the client
// decodes a response stream, for the memory tests in package
// worksection_test.
func DecodeUsersFromStream(r io.Reader, size int64) ([]User, error) {
	l := &recordList[userWire, User, *userWire]{}
	_, err := readEnvelope(newBodyReader(r, defaultMaxBody, size), l)
	return l.items, err
}
