using System.Runtime.InteropServices;
using LeakWatch.Core.Fingerprinting;

namespace LeakWatch.Core.Matching;

/// <summary>
/// The patients found so far in one document, by ordinal. Each worker fills its own; they are merged at the end,
/// so the hot path takes no lock.
/// </summary>
public sealed class DocumentMatches
{
    public const int MaxLocationsPerPatient = 5;
    private const int ChunkBits = 10;

    // Patient ordinal -> slot; the slots' entries in chunks of 1,024, so that a growing document never copies them.
    private readonly Dictionary<int, int> _patients = [];
    private readonly List<Entry[]> _chunks = [];

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
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_patients, patient, out var known);
        if (!known)
        {
            slot = _patients.Count - 1;
            if ((slot >> ChunkBits) == _chunks.Count) _chunks.Add(new Entry[1 << ChunkBits]);
        }
        ref var entry = ref At(slot);
        entry.Hits |= hits;
        // Keep the first few locations in document order, whichever worker saw them first.
        if (entry.Count == MaxLocationsPerPatient && location.Offset >= entry[entry.Count - 1].Offset) return;
        var at = entry.Count;
        while (at > 0 && entry[at - 1].Offset > location.Offset) at--;
        if (entry.Count > 0) entry.Rest ??= new MatchLocation[MaxLocationsPerPatient - 1];
        for (var i = Math.Min(entry.Count, MaxLocationsPerPatient - 1); i > at; i--) entry[i] = entry[i - 1];
        entry[at] = location;
        if (entry.Count < MaxLocationsPerPatient) entry.Count++;
    }

    internal void MergeFrom(DocumentMatches other)
    {
        Records += other.Records;
        ValidNirRecords += other.ValidNirRecords;
        IdentityRecords += other.IdentityRecords;
        foreach (var (patient, slot) in other._patients)
        {
            var theirs = other.At(slot);
            for (var i = 0; i < theirs.Count; i++) Add(patient, theirs.Hits, theirs[i]);
        }
    }

    private ref Entry At(int slot) => ref _chunks[slot >> ChunkBits][slot & ((1 << ChunkBits) - 1)];

    /// <summary>
    /// One match per reportable patient, rules merged over the whole document: a NIR in one row and the same
    /// patient's name and birth date in another agree just as well.
    /// </summary>
    public List<PatientMatch> ToMatches(IReadOnlyList<Fingerprint> patientRefs)
    {
        var matches = new List<PatientMatch>(_patients.Count);
        foreach (var (patient, slot) in _patients)
        {
            var entry = At(slot);
            if (MatchRules.Evaluate(entry.Hits) is not { } confidence) continue;
            var locations = new MatchLocation[entry.Count];
            for (var i = 0; i < locations.Length; i++) locations[i] = entry[i];
            matches.Add(new PatientMatch(patientRefs[patient], confidence, MatchRules.Reported(entry.Hits), MatchRules.Fields(entry.Hits), locations));
        }
        matches.Sort((a, b) => a.Locations.Count > 0 && b.Locations.Count > 0 ? a.Locations[0].Offset.CompareTo(b.Locations[0].Offset) : 0);
        return matches;
    }

    /// <summary>
    /// A patient's hits and first locations, in a chunk: the first location inline, the others in an array made only
    /// when the patient is found again. A document can name a whole base (a million patients, say a dump of strangers
    /// whose phones collide): an object, a list and its array for each cost some 150 bytes a patient, this about 50.
    /// </summary>
    private struct Entry
    {
        public RuleHits Hits;
        public int Count;
        public MatchLocation First;
        public MatchLocation[]? Rest;

        public MatchLocation this[int index]
        {
            readonly get => index == 0 ? First : Rest![index - 1];
            set
            {
                if (index == 0) First = value;
                else Rest![index - 1] = value;
            }
        }
    }
}
