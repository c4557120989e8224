package simulator

// versionsEntity: /api/versions, the read-only audit trail of memberships,
// permissions and roles.
func versionsEntity() *entity {
	return &entity{
		typ: "versions", list: true, get: true,
		// Sort: id and the common fields; filter: resource_type and
		// resource_id (source: provisioning-sdk's VersionSort and
		// VersionFilter types).
		attrs: common(
			a("resource_type", kString, fFilter),
			a("resource_id", kString, fFilter),
			a("event", kString, 0),
			a("changes", kObject, 0),
			a("who", kObject, 0),
		),
	}
}
