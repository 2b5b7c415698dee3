package worksection

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/gofrs/flock"
	"golang.org/x/oauth2"

	"github.com/worksection-go/worksection/internal/storedtoken"
)

// TokenStore keeps one OAuth2 token where several processes can reach it,
// for NewSharedTokenSource: FileTokenStore on one host, redisstore on several.
type TokenStore interface {
	// Load returns the stored token, or nil and no error if there is none.
	Load(ctx context.Context) (*oauth2.Token, error)
	// Save replaces the stored token.
	Save(ctx context.Context, tok *oauth2.Token) error
	// Lock waits until the caller holds a lock exclusive across every
	// process using the store, or ctx ends.
	Lock(ctx context.Context) (unlock func(), err error)
}

// FileTokenStore is a TokenStore for processes on one host: JSON in a file
// of mode 0600, replaced atomically, locked with an OS file lock on
// path+".lock" (gofrs/flock) that the OS releases when a process dies.
type FileTokenStore struct {
	path string
}

// NewFileTokenStore returns a store of the token in the file at path.
func NewFileTokenStore(path string) *FileTokenStore { return &FileTokenStore{path: path} }

// Load returns the token in the file, or nil and no error if there is no file.
func (s *FileTokenStore) Load(context.Context) (*oauth2.Token, error) {
	if s == nil || s.path == "" {
		return nil, errors.New("worksection: FileTokenStore: path is empty")
	}
	b, err := os.ReadFile(s.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("worksection: FileTokenStore: %w", err)
	}
	tok, err := storedtoken.Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("worksection: FileTokenStore: %s: %w", s.path, err)
	}
	return tok, nil
}

// Save replaces the file with tok, atomically, with mode 0600.
func (s *FileTokenStore) Save(_ context.Context, tok *oauth2.Token) error {
	if s == nil || s.path == "" {
		return errors.New("worksection: FileTokenStore: path is empty")
	}
	b, err := storedtoken.Marshal(tok)
	if err != nil {
		return fmt.Errorf("worksection: FileTokenStore: %w", err)
	}
	if err := writeFileAtomic(s.path, b); err != nil {
		return fmt.Errorf("worksection: FileTokenStore: %w", err)
	}
	return nil
}

// writeFileAtomic writes b to a temporary file beside path (CreateTemp
// makes it 0600) and renames it over path, so readers never see a part.
func writeFileAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		return errors.Join(err, os.Remove(tmp))
	}
	return nil
}

// Lock waits until this process holds the OS lock on path+".lock", or ctx
// ends. The lock file is created with mode 0600 and left in place.
func (s *FileTokenStore) Lock(ctx context.Context) (unlock func(), err error) {
	if s == nil || s.path == "" {
		return nil, errors.New("worksection: FileTokenStore: path is empty")
	}
	fl := flock.New(s.path+".lock", flock.SetPermissions(0o600))
	if ok, err := fl.TryLockContext(ctx, 10*time.Millisecond); !ok {
		_ = fl.Close()
		if ctx.Err() != nil {
			return nil, fmt.Errorf("worksection: FileTokenStore: waiting for the lock: %w", ctx.Err())
		}
		return nil, fmt.Errorf("worksection: FileTokenStore: lock: %w", err)
	}
	var once sync.Once
	return func() { once.Do(func() { _ = fl.Unlock() }) }, nil
}

// nilStore stands in for a missing store: every use is an error.
type nilStore struct{}

var errNilStore = errors.New("worksection: NewSharedTokenSource: nil token store")

func (nilStore) Load(context.Context) (*oauth2.Token, error)     { return nil, errNilStore }
func (nilStore) Save(context.Context, *oauth2.Token) error       { return errNilStore }
func (nilStore) Lock(context.Context) (unlock func(), err error) { return nil, errNilStore }
