package orggen

// Word lists the generator draws names and descriptions from. They are kept
// short and realistic so generated names look like a real retailer's
// ("ledger-reconciler-042") and prefix search over them is meaningful.

// areas name domains and the departments that own them.
var areas = []string{
	"commerce", "fulfilment", "finance", "customer", "platform", "data",
	"marketing", "logistics", "supply-chain", "identity", "content",
	"support", "security", "partners", "merchandising", "growth",
}

// nouns are the business capabilities systems, components, APIs, resources
// and teams are named after.
var nouns = []string{
	"payments", "checkout", "ledger", "inventory", "pricing", "catalog",
	"search", "orders", "shipping", "returns", "loyalty", "billing",
	"invoicing", "fraud", "recommendations", "reviews", "notifications",
	"cart", "promotions", "warehouse", "accounts", "auth", "tax",
	"analytics", "reporting", "media", "subscriptions", "vouchers",
	"refunds", "settlement", "stock", "supplier", "procurement",
	"forecasting", "routing", "tracking", "labels", "customer", "profile",
	"consent", "sessions", "emails", "feeds", "images", "taxonomy",
	"availability", "delivery", "carrier", "gift-cards", "wishlist",
}

// systemWords finish a system name: "ledger-platform-007".
var systemWords = []string{"platform", "core", "hub", "engine", "suite", "services"}

// Component roles by component type, each with the one-line description a
// team would write. %s is the capability noun with dashes as spaces.
type role struct{ word, desc string }

var serviceRoles = []role{
	{"service", "Core %s service that owns the data and its business rules."},
	{"worker", "Background worker that processes %s jobs from the queue."},
	{"gateway", "Gateway that fronts %s traffic and enforces authentication and rate limits."},
	{"reconciler", "Reconciles %s records against upstream sources every night."},
	{"importer", "Imports %s data from partner feeds."},
	{"exporter", "Exports %s data to the data lake and finance systems."},
	{"scheduler", "Schedules recurring %s jobs and retries the ones that fail."},
	{"processor", "Processes %s events and updates downstream read models."},
	{"indexer", "Keeps the %s search index up to date."},
	{"sync", "Keeps %s data in sync with the legacy platform."},
	{"adapter", "Translates between %s and third-party providers."},
	{"consumer", "Consumes %s events and triggers follow-up actions."},
	{"publisher", "Publishes %s changes as domain events."},
	{"router", "Routes %s requests to the right regional backend."},
	{"aggregator", "Aggregates %s metrics for reporting."},
	{"validator", "Validates incoming %s data before it is stored."},
	{"monitor", "Watches %s health and raises alerts on anomalies."},
}

var websiteRoles = []role{
	{"web", "Customer-facing %s pages."},
	{"ui", "Internal UI for managing %s."},
	{"portal", "Self-service portal for %s."},
	{"admin", "Back-office admin screens for %s."},
	{"dashboard", "Operational dashboard for %s."},
}

var libraryRoles = []role{
	{"sdk", "SDK for talking to the %s services."},
	{"client", "Typed client for the %s APIs."},
	{"lib", "Shared %s domain logic."},
	{"kit", "Building blocks for %s features."},
	{"models", "Shared %s data models and validation."},
}

// tagVocabulary holds valid Backstage tags ([a-z0-9:+#] separated by "-").
var tagVocabulary = []string{
	"go", "java", "kotlin", "python", "typescript", "rust", "scala",
	"grpc", "rest", "graphql", "kafka", "postgres", "redis", "batch",
	"pci", "gdpr", "tier-1", "tier-2", "tier-3", "customer-facing",
	"internal", "legacy", "machine-learning", "react", "spring", "nextjs",
}

// Resource types with the suffix their names end in and a description.
type resourceKind struct{ typ, suffix, desc string }

var resourceKinds = []resourceKind{
	{"database", "db", "PostgreSQL database holding %s data."},
	{"cache", "cache", "Redis cache in front of the %s read path."},
	{"kafka-topic", "topic", "Kafka topic carrying %s events."},
	{"s3-bucket", "bucket", "S3 bucket for %s exports and attachments."},
}

// API types with the suffix their names end in and a description.
type apiKind struct{ typ, suffix, desc string }

var apiKinds = []apiKind{
	{"openapi", "api", "REST API to read and change %s."},
	{"openapi", "api", "REST API to read and change %s."},
	{"grpc", "grpc", "gRPC service for %s lookups from other backends."},
	{"asyncapi", "events", "Domain events emitted when %s change."},
	{"graphql", "graphql", "GraphQL schema over %s for front ends."},
}

var firstNames = []string{
	"ana", "ben", "carla", "daniel", "elena", "felix", "grace", "hugo",
	"ines", "jonas", "kira", "liam", "maya", "noah", "olga", "pablo",
	"quinn", "rosa", "samir", "tara", "umar", "vera", "wei", "ximena",
	"yusuf", "zoe", "aisha", "bruno", "chen", "dara", "emil", "fatima",
	"gabriel", "hana", "ivan", "julia", "kofi", "lena", "marco", "nina",
}

var lastNames = []string{
	"silva", "schmidt", "nguyen", "garcia", "kowalski", "rossi", "okafor",
	"larsen", "patel", "dubois", "novak", "kim", "mendes", "berg",
	"demir", "fischer", "haddad", "ivanova", "jensen", "khan", "lopez",
	"moreau", "nakamura", "oliveira", "petrov", "quispe", "ramos", "sato",
	"taylor", "urbina", "varga", "wagner", "xu", "yilmaz", "zimmermann",
}
