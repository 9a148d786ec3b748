namespace LeakWatch.Service.Incidents;

/// <summary>
/// What an incident is about. Stored as its id in <c>incidents.kind</c>: never renumber one; a new kind takes the
/// next id. Incidents of different kinds never merge: each kind has its own documents and versions.
/// </summary>
internal enum IncidentKind : long // stored as a SQLite integer: Dapper maps it into records as is
{
    /// <summary>Patients of the lab's base found in a document.</summary>
    PatientLeak = 1,
}
