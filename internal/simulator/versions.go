package simulator

// versionsEntity: /api/versions, the read-only audit trail of memberships,
// permissions and roles.
func versionsEntity() *entity {
	return &entity{
		typ: "versions", list: true, get: true,
		attrs: common(
			a("resource_type", kString, fSort|fFilter),
			a("resource_id", kString, fSort|fFilter),
			a("event", kString, fSort|fFilter),
			a("changes", kObject, 0),
			a("who", kObject, 0),
		),
	}
}
