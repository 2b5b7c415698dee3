package worksection

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// A record (a user, a contact, a team, a folder) is decoded through its
// wire type W, the record as the API sends it, whose record method checks
// it and converts it to the public type T.
type wireRecord[W, T any] interface {
	*W
	record() (T, error)
}

// errNoID refuses a record without an id: an empty object is never taken
// for a record.
var errNoID = errors.New("want an object with id")

// requireID is the check every record's conversion makes.
func requireID(id ID) error {
	if strings.TrimSpace(string(id)) == "" {
		return errNoID
	}
	return nil
}

// unmarshalRecord is the UnmarshalJSON of a record type named name: null
// changes nothing; anything else must be an object with an id.
func unmarshalRecord[W, T any, PW wireRecord[W, T]](b []byte, dst *T, name string) error {
	if isNull(b) {
		return nil
	}
	var w W
	if err := json.Unmarshal(b, &w); err != nil {
		return fmt.Errorf("worksection: %s: %w", name, describe(err))
	}
	v, err := PW(&w).record()
	if err != nil {
		return fmt.Errorf("worksection: %s: %w", name, err)
	}
	*dst = v
	return nil
}

// recordList decodes a list: data as an array, as PHP's object keyed by id
// (its values are the elements), or null (none). Elements are decoded one
// at a time from the stream; a null one, or more than maxListItems, is a
// data error.
type recordList[W, T any, PW wireRecord[W, T]] struct{ items []T }

// missing refuses an ok answer without data: an empty list is [], and
// reading none as one would report an empty account.
func (l *recordList[W, T, PW]) missing() error { return errors.New("want a list") }

func (l *recordList[W, T, PW]) decodeData(dec *json.Decoder, size int64) error {
	l.items = nil
	tok, err := dec.Token()
	switch {
	case err != nil:
		return err
	case tok == nil:
		return nil
	case tok != json.Delim('[') && tok != json.Delim('{'):
		return errors.New("want a list")
	}
	var dataErr error
	var w W // reused: decoded in place, then copied into the list
	for i := 0; dec.More(); i++ {
		if tok == json.Delim('{') { // PHP's object keyed by id: skip the key
			if _, err := dec.Token(); err != nil {
				return err
			}
		}
		if dataErr != nil || i == maxListItems {
			dataErr = cmp.Or(dataErr, fmt.Errorf("want at most %d elements", maxListItems))
			err = skip(dec)
		} else if err = l.element(dec, &w, size); err != nil && !streamBroken(err) {
			dataErr, err = fmt.Errorf("element %d: %w", i, describe(err)), nil
		}
		if err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return err
	}
	if dataErr != nil {
		l.items = nil
	}
	return dataErr
}

// element decodes the next element into w and appends its record.
func (l *recordList[W, T, PW]) element(dec *json.Decoder, w *W, size int64) error {
	var zero W // a null element leaves w without an id
	*w = zero
	if err := dec.Decode(PW(w)); err != nil {
		return err
	}
	v, err := PW(w).record()
	if err == nil {
		l.reserve(dec, size)
		l.items = append(l.items, v)
	}
	return err
}

// reserve makes room for more elements when the list is full. With the
// body's size declared, it reserves what the rest of the body holds at the
// bytes per element so far (plus a margin), so a large list is neither
// copied repeatedly nor held twice; never more than eight times the
// elements already received, so a size a server declares but does not
// send costs little.
func (l *recordList[W, T, PW]) reserve(dec *json.Decoder, size int64) {
	n := len(l.items)
	if n < cap(l.items) || n < 256 || size <= 0 {
		return
	}
	per := max(dec.InputOffset()/int64(n), 1)
	want := min(int(size/per)*21/20+16, 8*n, maxListItems)
	l.items = slices.Grow(l.items, want-n)
}

// oneRecord decodes one record: data as an object or an array holding
// exactly one object (me answers either way).
type oneRecord[W, T any, PW wireRecord[W, T]] struct{ item T }

func (o *oneRecord[W, T, PW]) missing() error { return errors.New("want one object") }

func (o *oneRecord[W, T, PW]) decodeData(dec *json.Decoder, _ int64) error {
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return err
	}
	if raw[0] == '[' {
		var list []json.RawMessage
		if json.Unmarshal(raw, &list) != nil || len(list) != 1 {
			return errors.New("want one object")
		}
		raw = list[0]
	}
	if !bytes.HasPrefix(raw, []byte("{")) {
		return errors.New("want an object")
	}
	var w W
	if err := json.Unmarshal(raw, &w); err != nil {
		return describe(err)
	}
	v, err := PW(&w).record()
	if err == nil {
		o.item = v
	}
	return err
}

// jsonData decodes data into out with encoding/json, for the actions
// whose data is not a record list (projects, tasks, schedules).
type jsonData struct{ out any }

// missing: these actions' data may be absent.
func (j jsonData) missing() error { return nil }

func (j jsonData) decodeData(dec *json.Decoder, _ int64) error {
	err := dec.Decode(j.out)
	if err != nil && !streamBroken(err) {
		// encoding/json's errors can quote the data; name the type only.
		return fmt.Errorf("data does not fit %T", j.out)
	}
	return err
}
