package engine

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"time"
)

// LogLine is one line of a container's output.
type LogLine struct {
	Stream string // stdout or stderr
	Time   time.Time
	Text   string
}

// ReadLogs splits a multiplexed log stream (non-TTY containers, timestamps
// on) into lines and calls fn for each, until the stream ends.
func ReadLogs(r io.Reader, fn func(LogLine)) error {
	br := bufio.NewReaderSize(r, 64<<10)
	partial := map[byte]*bytes.Buffer{1: {}, 2: {}}
	emit := func(kind byte, line string) {
		l := LogLine{Stream: "stdout", Text: line}
		if kind == 2 {
			l.Stream = "stderr"
		}
		if ts, rest, ok := strings.Cut(line, " "); ok {
			if t, err := time.Parse(time.RFC3339Nano, ts); err == nil {
				l.Time, l.Text = t, rest
			}
		}
		fn(l)
	}
	var hdr [8]byte
	for {
		if _, err := io.ReadFull(br, hdr[:]); err != nil {
			for k, b := range partial {
				if b.Len() > 0 {
					emit(k, b.String())
				}
			}
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return nil
			}
			return err
		}
		kind := hdr[0]
		n := binary.BigEndian.Uint32(hdr[4:])
		if kind != 1 && kind != 2 {
			kind = 1
		}
		buf := partial[kind]
		if _, err := io.CopyN(buf, br, int64(n)); err != nil {
			return err
		}
		for {
			data := buf.Bytes()
			i := bytes.IndexByte(data, '\n')
			if i < 0 {
				break
			}
			emit(kind, strings.TrimRight(string(data[:i]), "\r"))
			buf.Next(i + 1)
		}
	}
}
