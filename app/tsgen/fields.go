package tsgen

import (
	"cmp"
	"reflect"
	"slices"
	"strings"
)

// field is one JSON member of a struct, as encoding/json sends it.
type field struct {
	name      string       // JSON name
	goName    string       // the Go field's name
	owner     reflect.Type // the struct that declares it (an embedded one for promoted fields)
	typ       reflect.Type
	index     []int // position, embedded structs included, for ordering
	tagged    bool  // the name comes from a json tag
	omitEmpty bool
	omitZero  bool
	asString  bool // ",string"
	// viaPointer is set for a field promoted through an embedded pointer:
	// absent when that pointer is nil.
	viaPointer bool
}

// jsonFields returns the fields encoding/json sends for struct t, in its
// order, with embedded structs flattened by its rules: a field of a
// shallower struct hides deeper ones of the same name; at the same depth a
// tagged field wins; otherwise the clashing fields are all left out.
func jsonFields(t reflect.Type) []field {
	type level struct {
		typ    reflect.Type
		index  []int
		viaPtr bool
	}
	var found []field
	next := []level{{typ: t}}
	nextCount := map[reflect.Type]int{}
	visited := map[reflect.Type]bool{}
	for len(next) > 0 {
		var current []level
		var count map[reflect.Type]int
		current, next = next, nil
		count, nextCount = nextCount, map[reflect.Type]int{}
		for _, lv := range current {
			if visited[lv.typ] {
				continue
			}
			visited[lv.typ] = true
			for i := range lv.typ.NumField() {
				sf := lv.typ.Field(i)
				if sf.Anonymous {
					et := sf.Type
					if et.Kind() == reflect.Pointer {
						et = et.Elem()
					}
					if !sf.IsExported() && et.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				index := append(slices.Clone(lv.index), i)
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if name == "" && sf.Anonymous && ft.Kind() == reflect.Struct {
					// An embedded struct met twice at one depth has its
					// fields twice, so the clash leaves them all out.
					nextCount[ft]++
					if nextCount[ft] == 1 {
						next = append(next, level{typ: ft, index: index, viaPtr: lv.viaPtr || sf.Type.Kind() == reflect.Pointer})
					}
					continue
				}
				f := field{
					name:   name,
					goName: sf.Name,
					owner:  lv.typ,
					typ:    sf.Type,
					index:  index,
					tagged: name != "",

					viaPointer: lv.viaPtr,
				}
				if f.name == "" {
					f.name = sf.Name
				}
				for _, o := range strings.Split(opts, ",") {
					switch o {
					case "omitempty":
						f.omitEmpty = true
					case "omitzero":
						f.omitZero = true
					case "string":
						f.asString = true
					}
				}
				found = append(found, f)
				if count[lv.typ] > 1 {
					found = append(found, f)
				}
			}
		}
	}

	// Dominance, per name: the shallowest fields; of those the tagged one.
	byName := map[string][]field{}
	for _, f := range found {
		byName[f.name] = append(byName[f.name], f)
	}
	var out []field
	for _, fs := range byName {
		if f, ok := dominant(fs); ok {
			out = append(out, f)
		}
	}
	slices.SortFunc(out, func(a, b field) int { return slices.Compare(a.index, b.index) })
	return out
}

// dominant picks the field encoding/json keeps among fields of one name.
func dominant(fs []field) (field, bool) {
	depth := slices.MinFunc(fs, func(a, b field) int { return cmp.Compare(len(a.index), len(b.index)) })
	var top []field
	for _, f := range fs {
		if len(f.index) == len(depth.index) {
			top = append(top, f)
		}
	}
	if len(top) == 1 {
		return top[0], true
	}
	var tagged []field
	for _, f := range top {
		if f.tagged {
			tagged = append(tagged, f)
		}
	}
	if len(tagged) == 1 {
		return tagged[0], true
	}
	return field{}, false
}
