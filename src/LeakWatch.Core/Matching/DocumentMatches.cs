using LeakWatch.Core.Fingerprinting;

namespace LeakWatch.Core.Matching;

/// <summary>
/// The patients found so far in one document, by ordinal. Each worker fills its own; they are merged at the end,
/// so the hot path takes no lock.
/// </summary>
public sealed class DocumentMatches
{
    public const int MaxLocationsPerPatient = 5;
    private readonly Dictionary<int, Entry> _patients = [];

    public long Records { get; private set; }

    public int Count => _patients.Count;

    /// <summary>Records holding a NIR with a valid key (15 characters), ours or not: the shape of a health dump.</summary>
    public long ValidNirRecords { get; private set; }

    /// <summary>Records with a last and a first name (or a full name) and a birth date under headers that say so.</summary>
    public long IdentityRecords { get; private set; }

    internal void CountRecords(int records) => Records += records;

    /// <summary>The shape of one record, whoever it names (suspicious-dump counting).</summary>
    internal void CountShape(bool validNir, bool identity)
    {
        if (validNir) ValidNirRecords++;
        if (identity) IdentityRecords++;
    }

    internal void Add(int patient, RuleHits hits, MatchLocation location)
    {
        if (!_patients.TryGetValue(patient, out var entry))
        {
            entry = new Entry();
            _patients[patient] = entry;
        }
        entry.Hits |= hits;
        // Keep the first few locations in document order, whichever worker saw them first.
        var locations = entry.Locations;
        if (locations.Count == MaxLocationsPerPatient && location.Offset >= locations[^1].Offset) return;
        // A loop, not FindIndex with a lambda: that allocated a closure and a delegate for every matched row.
        var at = locations.Count;
        while (at > 0 && locations[at - 1].Offset > location.Offset) at--;
        locations.Insert(at, location);
        if (locations.Count > MaxLocationsPerPatient) locations.RemoveAt(locations.Count - 1);
    }

    internal void MergeFrom(DocumentMatches other)
    {
        Records += other.Records;
        ValidNirRecords += other.ValidNirRecords;
        IdentityRecords += other.IdentityRecords;
        foreach (var (patient, theirs) in other._patients)
        {
            foreach (var location in theirs.Locations) Add(patient, theirs.Hits, location);
        }
    }

    /// <summary>
    /// One match per reportable patient, rules merged over the whole document: a NIR in one row and the same
    /// patient's name and birth date in another agree just as well.
    /// </summary>
    public List<PatientMatch> ToMatches(IReadOnlyList<Fingerprint> patientRefs)
    {
        var matches = new List<PatientMatch>(_patients.Count);
        foreach (var (patient, entry) in _patients)
        {
            if (MatchRules.Evaluate(entry.Hits) is not { } confidence) continue;
            matches.Add(new PatientMatch(patientRefs[patient], confidence, MatchRules.Reported(entry.Hits), MatchRules.Fields(entry.Hits), [.. entry.Locations]));
        }
        matches.Sort((a, b) => a.Locations.Count > 0 && b.Locations.Count > 0 ? a.Locations[0].Offset.CompareTo(b.Locations[0].Offset) : 0);
        return matches;
    }

    private sealed class Entry
    {
        public RuleHits Hits;
        public readonly List<MatchLocation> Locations = new(1);
    }
}
