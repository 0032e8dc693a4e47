package engine

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBidiDial holds what Firefox's remote agent needs of the WebSocket
// client: no Origin header in the handshake (it refuses one it was not told
// to allow), and messages larger than the library's default limit of 32 KiB
// (screenshots) are read whole. A command whose context has ended leaves
// the connection open for the others.
func TestBidiDial(t *testing.T) {
	data := strings.Repeat("A", 1<<20)
	headers := make(chan http.Header, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		headers <- r.Header.Clone()
		ws, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer ws.CloseNow()
		ctx := r.Context()
		for {
			_, msg, err := ws.Read(ctx)
			if err != nil {
				return
			}
			var cmd struct{ ID int64 }
			if json.Unmarshal(msg, &cmd) != nil {
				return
			}
			answer, _ := json.Marshal(map[string]any{"type": "success", "id": cmd.ID, "result": map[string]string{"data": data}})
			if ws.Write(ctx, websocket.MessageText, answer) != nil {
				return
			}
		}
	}))
	t.Cleanup(srv.Close)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	ws, err := dialBidi(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/session")
	require.NoError(t, err)
	h := <-headers
	assert.Empty(t, h.Values("Origin"), "handshake headers: %v", h)
	assert.Equal(t, "websocket", h.Get("Upgrade"))

	c := newBidiConn(ws, nil)
	ended, end := context.WithCancel(ctx)
	end()
	require.ErrorIs(t, c.call(ended, "session.status", nil, nil), context.Canceled)
	var res struct{ Data string }
	require.NoError(t, c.call(ctx, "browsingContext.captureScreenshot", nil, &res))
	assert.Len(t, res.Data, 1<<20)
	require.NoError(t, c.close())
	assert.Error(t, c.call(ctx, "session.status", nil, nil), "closed")
}
