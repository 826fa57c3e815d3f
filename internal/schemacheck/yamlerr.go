package schemacheck

import (
	"bytes"
	"strconv"
	"strings"
)

// parserProblems are the messages of yaml.v3's parser (as opposed to its
// scanner). For these, yaml.v3 prints the 0-based line of its mark as if it
// were 1-based, so the error points one line early; scanner errors are
// printed right. (gopkg.in/yaml.v3 decode.go, parser.fail.)
var parserProblems = []string{
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
	"did not find expected '-' indicator",
	"did not find expected <document start>",
	"did not find expected <stream-start>",
	"did not find expected key",
	"did not find expected node content",
	"found duplicate %TAG directive",
	"found duplicate %YAML directive",
	"found incompatible YAML document",
	"found undefined tag handle",
}

// SyntaxError reads a yaml.v3 parse error of data: the 1-based line it is
// on (0 when yaml.v3 names none) and its message without the "yaml: line
// N:" prefix. It corrects yaml.v3's off-by-one for parser errors and never
// names a line past the end of data.
func SyntaxError(err error, data []byte) (line int, msg string) {
	msg = strings.TrimPrefix(err.Error(), "yaml: ")
	rest, ok := strings.CutPrefix(msg, "line ")
	if !ok {
		return 0, msg
	}
	i := strings.IndexByte(rest, ':')
	if i <= 0 {
		return 0, msg
	}
	n, convErr := strconv.Atoi(rest[:i])
	if convErr != nil || n <= 0 {
		return 0, msg
	}
	msg = strings.TrimSpace(rest[i+1:])
	for _, p := range parserProblems {
		if msg == p {
			n++
			break
		}
	}
	return min(n, lineCount(data)), msg
}

// lineCount is the number of the last line of data that holds anything
// (an error at the end of the stream is on that line).
func lineCount(data []byte) int {
	data = bytes.TrimRight(data, " \t\r\n")
	return bytes.Count(data, []byte("\n")) + 1
}
