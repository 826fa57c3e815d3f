package model

import (
	"strings"
)

// The well-known relation types
// (https://backstage.io/docs/features/software-catalog/well-known-relations).
// Relations come in pairs; Inverse maps each type to its counterpart.
const (
	// RelOwnedBy points from an entity to its owner (spec.owner).
	RelOwnedBy = "ownedBy"
	// RelOwnerOf is the inverse of RelOwnedBy.
	RelOwnerOf = "ownerOf"
	// RelDependsOn points from an entity to something it depends on
	// (spec.dependsOn).
	RelDependsOn = "dependsOn"
	// RelDependencyOf is the inverse of RelDependsOn (spec.dependencyOf).
	RelDependencyOf = "dependencyOf"
	// RelProvidesAPI points from a component to an API it provides
	// (spec.providesApis).
	RelProvidesAPI = "providesApi"
	// RelAPIProvidedBy is the inverse of RelProvidesAPI.
	RelAPIProvidedBy = "apiProvidedBy"
	// RelConsumesAPI points from a component to an API it consumes
	// (spec.consumesApis).
	RelConsumesAPI = "consumesApi"
	// RelAPIConsumedBy is the inverse of RelConsumesAPI.
	RelAPIConsumedBy = "apiConsumedBy"
	// RelPartOf points from an entity to the whole it belongs to
	// (spec.system, spec.subcomponentOf, spec.domain, spec.subdomainOf).
	RelPartOf = "partOf"
	// RelHasPart is the inverse of RelPartOf.
	RelHasPart = "hasPart"
	// RelMemberOf points from a user to a group (spec.memberOf).
	RelMemberOf = "memberOf"
	// RelHasMember points from a group to a user (spec.members).
	RelHasMember = "hasMember"
	// RelChildOf points from a group to its parent group (spec.parent).
	RelChildOf = "childOf"
	// RelParentOf points from a group to a child group (spec.children).
	RelParentOf = "parentOf"
)

// Inverse returns the relation type that describes relType from the
// target's point of view (ownedBy <-> ownerOf, dependsOn <-> dependencyOf,
// and so on), or "" if relType is not one of the Rel* constants.
func Inverse(relType string) string {
	switch relType {
	case RelOwnedBy:
		return RelOwnerOf
	case RelOwnerOf:
		return RelOwnedBy
	case RelDependsOn:
		return RelDependencyOf
	case RelDependencyOf:
		return RelDependsOn
	case RelProvidesAPI:
		return RelAPIProvidedBy
	case RelAPIProvidedBy:
		return RelProvidesAPI
	case RelConsumesAPI:
		return RelAPIConsumedBy
	case RelAPIConsumedBy:
		return RelConsumesAPI
	case RelPartOf:
		return RelHasPart
	case RelHasPart:
		return RelPartOf
	case RelMemberOf:
		return RelHasMember
	case RelHasMember:
		return RelMemberOf
	case RelChildOf:
		return RelParentOf
	case RelParentOf:
		return RelChildOf
	}
	return ""
}

// RelationTypes lists all fourteen well-known relation types, in pairs of
// a type followed by its inverse.
func RelationTypes() []string {
	return []string{
		RelOwnedBy, RelOwnerOf,
		RelDependsOn, RelDependencyOf,
		RelProvidesAPI, RelAPIProvidedBy,
		RelConsumesAPI, RelAPIConsumedBy,
		RelPartOf, RelHasPart,
		RelMemberOf, RelHasMember,
		RelChildOf, RelParentOf,
	}
}

// ref parses an entity reference of a spec field and records the relation
// it declares.
func (c *checker) ref(f *specField, s string, path ...pathSeg) {
	r, err := ParseRef(s, RefDefaults{Kind: f.defKind, Namespace: c.self.Namespace})
	if err != nil {
		c.addAt(err.Error(), path)
		return
	}
	if f.rel == "" {
		return
	}
	for _, have := range c.rels {
		if have.Type == f.rel && sameRef(have.Target, r) {
			return // deduplicate within the entity
		}
	}
	c.rels = append(c.rels, Relation{Type: f.rel, Target: r})
}

// sameRef reports whether a and b denote the same entity (a.Key() ==
// b.Key()) without building the keys.
func sameRef(a, b Ref) bool {
	return strings.EqualFold(a.Name, b.Name) && strings.EqualFold(a.Namespace, b.Namespace) && strings.EqualFold(a.Kind, b.Kind)
}
