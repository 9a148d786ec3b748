namespace LeakWatch.Service.Incidents;

/// <summary>What a matched document is to the incidents already recorded.</summary>
internal enum IncidentChange
{
    /// <summary>These exact bytes were seen before: only the last-seen times move (found by digest, before any merge).</summary>
    SameContent,

    /// <summary>No known incident holds this document: a new incident at revision 1.</summary>
    Created,

    /// <summary>A new version of a known incident with patients it did not hold: it becomes the latest version, revision + 1.</summary>
    Grew,

    /// <summary>A new version of a known incident that adds no patient: kept among its documents, nothing to alert.</summary>
    NothingNew,
}
