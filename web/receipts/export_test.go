package receipts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// findStore is a store whose Find yields what find does.
type findStore struct {
	Store
	find func(yield func(Receipt, error) bool)
}

func (s findStore) Find(context.Context, Filter) iter.Seq2[Receipt, error] { return s.find }

// generated yields n receipts made on the fly, stored nowhere.
func generated(n int, yield func(Receipt, error) bool) bool {
	for i := range n {
		if !yield(seedReceipt(fmt.Sprintf("gen%013d", i), ActionRefuseAll, now), nil) {
			return false
		}
	}
	return true
}

// TestExportReachesTheClientWhileTheStoreStillYields: the export writes
// receipts as they come. The store yields a first part, then waits until
// the client has read the start of the answer before it yields the rest;
// an export that gathered every receipt before answering would never get
// there.
func TestExportReachesTheClientWhileTheStoreStillYields(t *testing.T) {
	const firstPart, rest = 2000, 500
	released := make(chan struct{})
	s := startService(t, findStore{Store: backends[0].open(t), find: func(yield func(Receipt, error) bool) {
		if !generated(firstPart, yield) {
			return
		}
		select {
		case <-released:
		case <-time.After(30 * time.Second):
			yield(Receipt{}, errors.New("the client saw nothing of the export after 30 s"))
			return
		}
		generated(rest, yield)
	}}, nil)

	req, err := http.NewRequest(http.MethodGet, s.url, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	start := make([]byte, 1)
	_, err = io.ReadFull(resp.Body, start)
	require.NoError(t, err)
	close(released)
	remaining, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var got []Receipt
	require.NoError(t, json.Unmarshal(append(start, remaining...), &got))
	assert.Len(t, got, firstPart+rest)
}

// failingAfter is a store whose Find yields n receipts, then fails.
func failingAfter(t *testing.T, n int) Store {
	return findStore{Store: backends[0].open(t), find: func(yield func(Receipt, error) bool) {
		if generated(n, yield) {
			yield(Receipt{}, errors.New("the database is gone"))
		}
	}}
}

func TestExportFailingBeforeItStartsIsA503(t *testing.T) {
	s := startService(t, failingAfter(t, 3), nil)
	for _, format := range []string{"json", "csv"} {
		code, out := s.get(t, testToken, "format="+format)
		assert.Equal(t, http.StatusServiceUnavailable, code, format)
		assert.Equal(t, "the export failed; try again later\n", out, format)
	}
}

// TestExportFailingMidwayCutsTheConnection: once receipts have reached the
// client, a failure cannot change the status any more; the connection is
// cut so that the client sees an error, never a well-formed but partial
// export.
func TestExportFailingMidwayCutsTheConnection(t *testing.T) {
	s := startService(t, failingAfter(t, 3000), nil)
	for _, format := range []string{"json", "csv"} {
		req, err := http.NewRequest(http.MethodGet, s.url+"?format="+format, nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+testToken)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, resp.StatusCode, format)
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "%s: the client sees the export broken off", format)
	}
}
