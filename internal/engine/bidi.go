package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"

	"github.com/coder/websocket"
)

// bidiMaxMessage bounds one message from the browser (a screenshot is the
// biggest); the WebSocket library's default is 32 KiB.
const bidiMaxMessage = 256 << 20

// dialBidi opens a WebDriver BiDi WebSocket (ws://host:port/session). It
// sends no Origin header: Firefox's remote agent refuses a client that
// sends one it was not told to allow. Nor does it go through a proxy.
func dialBidi(ctx context.Context, url string) (*websocket.Conn, error) {
	ws, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{
		HTTPClient: &http.Client{Transport: &http.Transport{Proxy: nil}},
	})
	if err != nil {
		return nil, fmt.Errorf("bidi: %w", err)
	}
	ws.SetReadLimit(bidiMaxMessage)
	return ws, nil
}

// bidiConn is a WebDriver BiDi client: it sends commands with increasing
// ids and hands each response to its caller, and each event to onEvent (if
// set) in the order they arrive.
type bidiConn struct {
	ws      *websocket.Conn
	onEvent func(method string, params json.RawMessage)

	mu      sync.Mutex
	next    int64
	pending map[int64]chan bidiMessage

	done chan struct{} // closed when the read loop stops
	err  error         // why it stopped, set before done closes
}

// bidiMessage is a message from the remote end: a success or error
// response to a command, or an event.
type bidiMessage struct {
	Type    string          `json:"type"`
	ID      *int64          `json:"id"`
	Result  json.RawMessage `json:"result"`
	Error   string          `json:"error"`
	Message string          `json:"message"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
}

// newBidiConn starts reading ws. onEvent, if not nil, runs on the reading
// goroutine: it must return fast and must not call the connection.
func newBidiConn(ws *websocket.Conn, onEvent func(method string, params json.RawMessage)) *bidiConn {
	c := &bidiConn{ws: ws, onEvent: onEvent, pending: make(map[int64]chan bidiMessage), done: make(chan struct{})}
	go c.readLoop()
	return c
}

func (c *bidiConn) readLoop() {
	var err error
	for {
		var b []byte
		if _, b, err = c.ws.Read(context.Background()); err != nil {
			break
		}
		var m bidiMessage
		if err = json.Unmarshal(b, &m); err != nil {
			err = fmt.Errorf("bidi: bad message %.200q: %w", b, err)
			break
		}
		if m.ID == nil {
			if c.onEvent != nil && m.Type == "event" {
				c.onEvent(m.Method, m.Params)
			}
			continue
		}
		c.mu.Lock()
		ch := c.pending[*m.ID]
		delete(c.pending, *m.ID)
		c.mu.Unlock()
		if ch != nil {
			ch <- m
		}
	}
	c.err = fmt.Errorf("bidi: connection lost: %w", err)
	close(c.done)
}

// call sends a command and decodes its result into result (unless nil).
func (c *bidiConn) call(ctx context.Context, method string, params, result any) error {
	if params == nil {
		params = struct{}{}
	}
	c.mu.Lock()
	c.next++
	id := c.next
	ch := make(chan bidiMessage, 1)
	c.pending[id] = ch
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.pending, id)
		c.mu.Unlock()
	}()

	b, err := json.Marshal(struct {
		ID     int64  `json:"id"`
		Method string `json:"method"`
		Params any    `json:"params"`
	}{id, method, params})
	if err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	// A write whose context ends closes the WebSocket, and with it every
	// page of the browser: one command's context must not do that, so the
	// write has a bound of its own, for a browser that stops reading.
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	wctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	err = c.ws.Write(wctx, websocket.MessageText, b)
	cancel()
	if err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	select {
	case m := <-ch:
		if m.Type == "error" {
			return fmt.Errorf("%s: %s: %s", method, m.Error, m.Message)
		}
		if result != nil {
			if err := json.Unmarshal(m.Result, result); err != nil {
				return fmt.Errorf("%s: decode result: %w", method, err)
			}
		}
		return nil
	case <-c.done:
		return fmt.Errorf("%s: %w", method, c.err)
	case <-ctx.Done():
		return fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

// close closes the connection, without waiting for the browser's part of
// the closing handshake, and waits for the read loop to stop.
func (c *bidiConn) close() error {
	err := c.ws.CloseNow()
	<-c.done
	return err
}
