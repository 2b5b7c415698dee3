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

// A record (user, contact, team, folder) is decoded through its wire type
// W, whose record method checks it and converts it to the public type T.
type wireRecord[W, T any] interface {
	*W
	record() (T, error)
}

// errNoID refuses a record without an id, such as an empty object.
var errNoID = errors.New("want an object with id")

// requireID is every record conversion's check.
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

// recordList decodes a list: an array, PHP's object keyed by id, or null
// (none), one element at a time from the stream. A null element, or more
// than maxListItems, is a data error.
type recordList[W, T any, PW wireRecord[W, T]] struct{ items []T }

// missing refuses an ok answer without data: it is not an empty account.
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

// reserve grows a full list to what the declared body holds at the bytes per
// element so far, so a large list is neither copied repeatedly nor held
// twice; at most 8x the elements received, so a size never sent costs little.
func (l *recordList[W, T, PW]) reserve(dec *json.Decoder, size int64) {
	n := len(l.items)
	if n < cap(l.items) || n < 256 || size <= 0 {
		return
	}
	per := max(dec.InputOffset()/int64(n), 1)
	want := min(int(size/per)*21/20+16, 8*n, maxListItems)
	l.items = slices.Grow(l.items, want-n)
}

// oneRecord decodes one record: an object, or an array of exactly one (me).
type oneRecord[W, T any, PW wireRecord[W, T]] struct{ item T }

func (o *oneRecord[W, T, PW]) missing() error { return errors.New("want one object") }

func (o *oneRecord[W, T, PW]) decodeData(dec *json.Decoder, _ int64) error {
	var w W
	if nextByte(dec) == '{' { // the usual object, decoded in place
		if err := dec.Decode(PW(&w)); err != nil {
			return describe(err) // a stream error passes through as it is
		}
		return o.set(&w)
	}
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
	if err := json.Unmarshal(raw, &w); err != nil {
		return describe(err)
	}
	return o.set(&w)
}

func (o *oneRecord[W, T, PW]) set(w *W) error {
	v, err := PW(w).record()
	if err == nil {
		o.item = v
	}
	return err
}

// nextByte is the first byte of the next value in dec's buffer, 0 if it is
// not buffered yet (the caller then takes the general path).
func nextByte(dec *json.Decoder) byte {
	var b [32]byte
	n, _ := dec.Buffered().Read(b[:])
	for _, c := range b[:n] {
		if !strings.ContainsRune(" \t\r\n:", rune(c)) {
			return c
		}
	}
	return 0
}

// jsonData decodes data that is not a record into out; it may be absent.
type jsonData struct{ out any }

func (j jsonData) missing() error { return nil }

func (j jsonData) decodeData(dec *json.Decoder, _ int64) error {
	err := dec.Decode(j.out)
	if err != nil && !streamBroken(err) {
		// encoding/json's errors can quote the data; name the type only.
		return fmt.Errorf("data does not fit %T", j.out)
	}
	return err
}
