package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// wdClient speaks W3C WebDriver classic (JSON over HTTP) to a driver.
type wdClient struct {
	base string // e.g. "http://127.0.0.1:4444"
	http *http.Client
}

// wdError is the error object of a failed WebDriver command.
type wdError struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

// do sends a command: body (if not nil) goes as JSON, and the "value" of
// the answer is decoded into out (if not nil).
func (c *wdClient) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("%s %s: %w", method, path, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("%s %s: read answer: %w", method, path, err)
	}
	var answer struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(b, &answer); err != nil {
		return fmt.Errorf("%s %s: %s: bad answer %.200q", method, path, resp.Status, b)
	}
	if resp.StatusCode != http.StatusOK {
		var e wdError
		_ = json.Unmarshal(answer.Value, &e)
		return fmt.Errorf("%s %s: %s: %s", method, path, e.Error, e.Message)
	}
	if out != nil {
		if err := json.Unmarshal(answer.Value, out); err != nil {
			return fmt.Errorf("%s %s: decode answer: %w", method, path, err)
		}
	}
	return nil
}
