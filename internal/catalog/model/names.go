package model

import "strings"

// The format rules below are Backstage's defaults (catalog-model's
// KubernetesValidatorFunctions / CommonValidatorFunctions), written by hand
// rather than as regular expressions because they run for every field of
// every entity during a sync.

// Human-readable statements of the rules, used in problem messages.
const (
	ruleName       = "use 1-63 characters from [a-zA-Z0-9] separated by '-', '_' or '.', starting and ending with a letter or digit (e.g. payments-api)"
	ruleNamespace  = "use 1-63 characters from [a-z0-9] separated by single '-' (e.g. payments)"
	ruleKind       = "use 1-63 characters from [a-zA-Z0-9], starting with a letter (e.g. Component)"
	ruleTag        = "use 1-63 characters from [a-z0-9:+#] separated by single '-' (e.g. java or team-a)"
	ruleKey        = "use an optional lowercase DNS prefix and '/', then 1-63 characters from [a-zA-Z0-9] separated by '-', '_' or '.' (e.g. example.com/service-id)"
	ruleLabelValue = "use an empty string or 1-63 characters from [a-zA-Z0-9] separated by '-', '_' or '.'"
	ruleAPIVersion = "use <group>/<version> with a lowercase DNS group and an alphanumeric version (e.g. backstage.io/v1alpha1)"
)

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isLowerAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
}

// isValidName reports whether s is a valid metadata.name (also the name
// part of label and annotation keys, label values and link icons): 1-63
// characters of [A-Za-z0-9-_.] that start and end with [A-Za-z0-9].
func isValidName(s string) bool {
	if len(s) < 1 || len(s) > 63 || !isAlnum(s[0]) || !isAlnum(s[len(s)-1]) {
		return false
	}
	for i := 1; i < len(s)-1; i++ {
		c := s[i]
		if !isAlnum(c) && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

// isValidDNSLabel reports whether s is 1-63 characters of [a-z0-9] words
// joined by single dashes. Backstage uses it for namespaces.
func isValidDNSLabel(s string) bool {
	return isDashWords(s, isLowerAlnum)
}

// isValidTag reports whether s is a valid metadata.tags entry: 1-63
// characters of [a-z0-9:+#] words joined by single dashes.
func isValidTag(s string) bool {
	return isDashWords(s, func(c byte) bool { return isLowerAlnum(c) || c == ':' || c == '+' || c == '#' })
}

func isDashWords(s string, word func(byte) bool) bool {
	if len(s) < 1 || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '-' {
			if s[i-1] == '-' {
				return false
			}
			continue
		}
		if !word(c) {
			return false
		}
	}
	return true
}

// isValidDNSSubdomain reports whether s is at most 253 characters of
// dot-separated DNS labels.
func isValidDNSSubdomain(s string) bool {
	if len(s) < 1 || len(s) > 253 {
		return false
	}
	for {
		i := strings.IndexByte(s, '.')
		if i < 0 {
			return isValidDNSLabel(s)
		}
		if !isValidDNSLabel(s[:i]) {
			return false
		}
		s = s[i+1:]
	}
}

// isValidKind reports whether s is a valid kind: a letter followed by
// letters and digits, at most 63 characters.
func isValidKind(s string) bool {
	if len(s) < 1 || len(s) > 63 {
		return false
	}
	c := s[0]
	if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isAlnum(s[i]) {
			return false
		}
	}
	return true
}

// isValidPrefixed checks the "[prefix/]suffix" shape Backstage uses for
// apiVersion, label keys and annotation keys: the optional prefix must be a
// DNS subdomain and the suffix must satisfy suffix.
func isValidPrefixed(s string, suffix func(string) bool) bool {
	i := strings.IndexByte(s, '/')
	if i < 0 {
		return suffix(s)
	}
	if strings.IndexByte(s[i+1:], '/') >= 0 {
		return false
	}
	return isValidDNSSubdomain(s[:i]) && suffix(s[i+1:])
}

// isValidVersion is the version part of apiVersion: 1-63 alphanumerics.
func isValidVersion(s string) bool {
	if len(s) < 1 || len(s) > 63 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isAlnum(s[i]) {
			return false
		}
	}
	return true
}

// isValidGroupVersion reports whether s is "<dns-subdomain>/<version>", the
// form Paved requires of every apiVersion (Backstage also tolerates a bare
// version, but no kind is registered under one).
func isValidGroupVersion(s string) bool {
	i := strings.IndexByte(s, '/')
	return i > 0 && isValidPrefixed(s, isValidVersion)
}

// isValidKey reports whether s is a valid label or annotation key.
func isValidKey(s string) bool {
	return isValidPrefixed(s, isValidName)
}

// isValidLabelValue reports whether s is a valid label value.
func isValidLabelValue(s string) bool {
	return s == "" || isValidName(s)
}

// hasScheme reports whether target starts with a URL scheme followed by
// "://" (e.g. "https://"), as opposed to a local path.
func hasScheme(target string) bool {
	i := strings.Index(target, "://")
	if i <= 0 {
		return false
	}
	for j := 0; j < i; j++ {
		c := target[j]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case j > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return true
}
