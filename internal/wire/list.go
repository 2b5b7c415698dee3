package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// ListSink receives a list response's elements one at a time, so a large
// list is decoded into storage of the right size without intermediate
// copies.
type ListSink interface {
	// Reset starts a decode; n is the expected number of elements (a hint).
	Reset(n int)
	// DecodeElement decodes the next element from dec.
	DecodeElement(dec *json.Decoder) error
}

// minElementBytes bounds the element count hint: no list record encodes
// in fewer bytes, so a hostile body cannot make Reset over-allocate.
const minElementBytes = 32

// decodeList decodes an envelope whose data is a list, feeding the
// elements to sink. Errors are classified as in Decode.
func decodeList(body []byte, sink ListSink) (Envelope, error) {
	hint := min(countData(body), len(body)/minElementBytes)
	sink.Reset(0) // drop what an earlier attempt left; data sizes it
	var e envelopeOf[json.RawMessage]
	if err := walkEnvelope(json.NewDecoder(bytes.NewReader(body)), &e, sink, hint); err != nil {
		return classify(body, err)
	}
	return header(&e)
}

// walkEnvelope reads the envelope object key by key: data goes to sink,
// the status fields into e, anything else is skipped. A repeated data key
// starts the sink over, so the last one wins, as with encoding/json.
func walkEnvelope(dec *json.Decoder, e *envelopeOf[json.RawMessage], sink ListSink, hint int) error {
	if err := expectDelim(dec, '{'); err != nil {
		return err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		var dst *json.RawMessage
		switch strings.ToLower(key) { // encoding/json matches keys ignoring case too
		case "data":
			sink.Reset(hint)
			if err := decodeListValue(dec, sink); err != nil {
				return err
			}
			continue
		case "status":
			dst = &e.Status
		case "status_code":
			dst = &e.StatusCode
		case "message":
			dst = &e.Message
		case "message_details":
			dst = &e.MessageDetails
		case "error":
			dst = &e.Error
		case "errordescription":
			dst = &e.ErrorDescription
		case "error_description":
			dst = &e.ErrorDescSnake
		default:
			dst = new(json.RawMessage)
		}
		if err := dec.Decode(dst); err != nil {
			return err
		}
	}
	return expectDelim(dec, '}')
}

// decodeListValue accepts an array, PHP's object keyed by id (its values
// are the elements), or null.
func decodeListValue(dec *json.Decoder, sink ListSink) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	var end json.Delim
	switch tok {
	case nil:
		return nil
	case json.Delim('['):
		end = ']'
	case json.Delim('{'):
		end = '}'
	default:
		return fmt.Errorf("want a list, got %v", tok)
	}
	for dec.More() {
		if end == '}' { // skip the member's key; its value is the element
			if _, err := dec.Token(); err != nil {
				return err
			}
		}
		if err := sink.DecodeElement(dec); err != nil {
			return err
		}
	}
	return expectDelim(dec, end)
}

func expectDelim(dec *json.Decoder, d json.Delim) error {
	tok, err := dec.Token()
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	if err != nil {
		return err
	}
	if tok != d {
		return fmt.Errorf("want %v, got %v", d, tok)
	}
	return nil
}

// countData skims body for the number of elements in the envelope's
// top-level "data" array or object, without decoding. It is only a
// capacity hint: malformed input gives a wrong count, never a panic.
func countData(b []byte) int {
	depth, dataDepth, commas := 0, -1, 0
	nonEmpty := false
	var lastString []byte
	for i := 0; i < len(b); i++ {
		c := b[i]
		if depth == dataDepth && c > ' ' && c != ',' && c != ']' && c != '}' {
			nonEmpty = true
		}
		switch c {
		case '"':
			end := closingQuote(b, i+1)
			if end < 0 {
				return 0
			}
			lastString = b[i+1 : end]
			i = end
		case '[', '{':
			depth++
			if dataDepth < 0 && depth == 2 && bytes.EqualFold(lastString, []byte("data")) {
				dataDepth = depth
			}
		case ']', '}':
			if depth == dataDepth {
				if nonEmpty {
					return commas + 1
				}
				return 0
			}
			depth--
		case ',':
			if depth == dataDepth {
				commas++
			}
		}
	}
	return 0
}

// closingQuote returns the index of the quote that ends the string whose
// contents start at from, or -1.
func closingQuote(b []byte, from int) int {
	for j := from; j < len(b); {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return -1
		}
		j += k
		backslashes := 0
		for p := j - 1; p >= from && b[p] == '\\'; p-- {
			backslashes++
		}
		if backslashes%2 == 0 {
			return j
		}
		j++
	}
	return -1
}
