using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;
using LeakWatch.Core.Fingerprinting;

namespace LeakWatch.Core.Matching;

/// <summary>
/// The lookups of one enrollment, read in place from an index file (<see cref="FingerprintIndexFormat"/>): memory-mapped
/// by the store, so the process holds only the group tables and the two filters (at most 16 MiB a table, 10 bits a key
/// a filter up to its cap), and a scan touches only the pages of the keys it looks up. Read by every worker without locks.
/// </summary>
/// <remarks>
/// Keys are keyed-PRF output, uniform over 64 bits. A linked lookup first asks the linked filter (one cache line of a
/// Bloom filter, <see cref="KeyFilter"/>), which turns away all but about one in eighty absent keys; a key that
/// passes reads one table entry (in memory: the top bits spread keys evenly over the groups) and one short sorted run
/// of keys, about sixteen up to 64 Mi keys (where the table reaches its cap; beyond, a few hundred), entered where the
/// key's next bits say it should lie. The file is the cache's, not the store's truth: it is checked (header and body
/// MAC) when opened and rebuilt when it does not check.
/// </remarks>
public sealed unsafe class FingerprintIndex : IDisposable
{
    private readonly IndexMemory _memory;
    private readonly byte* _base;
    private readonly FingerprintIndexFormat _format;
    private readonly uint[] _linkedStarts;
    private readonly int _linkedShift;
    private readonly byte* _linkedFilter;
    private readonly long _linkedFilterBlocks;
    // The filter's copy when it is copied (pinned: it never moves), null when it is read in place.
    private readonly byte[]? _linkedFilterCopy;
    private readonly ulong* _linkedKeys;
    private readonly int* _linkedPatients;
    private readonly uint[] _memberStarts;
    private readonly int _memberShift;
    private readonly ulong* _members;
    private readonly byte* _memberFilter;
    private readonly long _memberFilterBlocks;
    private readonly byte[]? _memberFilterCopy;
    private readonly byte* _patients;
    // A few fingerprints indexed after the file's (the canaries), their ordinals following the patients'.
    private FingerprintIndex? _extra;

    /// <summary>Builds the index of <paramref name="snapshot"/> in memory (tests, small bases): no file involved.</summary>
    /// <param name="partEntries">See <see cref="FingerprintIndexBuilder.Build"/>.</param>
    /// <param name="maxCopiedFilterBytes">Filters larger are read in place (tests lower it to read small ones in place).</param>
    public FingerprintIndex(FingerprintSnapshot snapshot, long partEntries = FingerprintIndexBuilder.PartEntries,
        long maxCopiedFilterBytes = FingerprintIndexFormat.MaxCopiedFilterBytes)
        : this(InMemory(snapshot, partEntries), maxCopiedFilterBytes)
    {
    }

    private FingerprintIndex((IndexMemory Memory, FingerprintIndexFormat Format) opened, long maxCopiedFilterBytes = FingerprintIndexFormat.MaxCopiedFilterBytes)
    {
        _memory = opened.Memory;
        _format = opened.Format;
        _base = (byte*)_memory.Address;
        _patients = _base + FingerprintIndexFormat.PatientsAt;
        _linkedStarts = CopyTable(_format.LinkedTableAt, _format.LinkedBits);
        _linkedShift = 64 - _format.LinkedBits;
        _linkedFilterBlocks = _format.LinkedFilterBlocks;
        _linkedFilter = CopyFilter(_base + _format.LinkedFilterAt, _format.LinkedFilterBytes, maxCopiedFilterBytes, out _linkedFilterCopy);
        _linkedKeys = (ulong*)(_base + _format.LinkedKeysAt);
        _linkedPatients = (int*)(_base + _format.LinkedPatientsAt);
        _memberStarts = CopyTable(_format.MemberTableAt, _format.MemberBits);
        _memberShift = 64 - _format.MemberBits;
        _members = (ulong*)(_base + _format.MembersAt);
        _memberFilterBlocks = _format.MemberFilterBlocks;
        _memberFilter = CopyFilter(_base + _format.MemberFilterAt, _format.MemberFilterBytes, maxCopiedFilterBytes, out _memberFilterCopy);
        Patients = new PatientList(this);
    }

    /// <summary>
    /// Opens an index file's bytes: checks its header (format, scheme, enrollment, MAC under <paramref name="macKey"/>)
    /// and its body's MAC, which reads every page once. Returns null with the reason when it does not check; then the
    /// caller still owns <paramref name="memory"/>.
    /// </summary>
    public static FingerprintIndex? TryOpen(IndexMemory memory, long enrollmentId, byte[] macKey, out string problem)
    {
        ArgumentNullException.ThrowIfNull(memory);
        if (memory.Length < FingerprintIndexFormat.HeaderSize)
        {
            problem = "shorter than its header";
            return null;
        }
        var bytes = (byte*)memory.Address;
        var format = FingerprintIndexFormat.ReadHeader(new ReadOnlySpan<byte>(bytes, FingerprintIndexFormat.HeaderSize), memory.Length, enrollmentId, macKey, out var bodyMac, out problem);
        if (format is null) return null;
        Span<byte> mac = stackalloc byte[FingerprintIndexFormat.MacSize];
        IndexBodyMac.Compute(macKey, memory, FingerprintIndexFormat.HeaderSize, mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, bodyMac))
        {
            problem = "its content does not check (damaged or altered)";
            return null;
        }
        var index = new FingerprintIndex((memory, format));
        index.ReleaseUnreadSections();
        return index;
    }

    /// <summary>
    /// The MAC check read every page. A scan reads the linked keys and the members where its lookups land; the rest
    /// (references, ordinals, tables, filters copied into the process) only for a match, if ever. Those pages are given
    /// back (they stay in the page cache), while the keys stay mapped: giving them back too cost a page fault for each
    /// key page a scan reads again.
    /// </summary>
    private void ReleaseUnreadSections()
    {
        var linkedFilterCopied = _linkedFilterCopy is not null;
        _memory.ReleaseResident(0, _format.LinkedKeysAt);
        _memory.ReleaseResident(_format.LinkedPatientsAt, (linkedFilterCopied ? _format.MembersAt : _format.LinkedFilterAt) - _format.LinkedPatientsAt);
        if (!linkedFilterCopied) _memory.ReleaseResident(_format.MemberTableAt, _format.MembersAt - _format.MemberTableAt);
        if (_memberFilterCopy is not null) _memory.ReleaseResident(_format.MemberFilterAt, _format.Length - _format.MemberFilterAt);
    }

    private static (IndexMemory, FingerprintIndexFormat) InMemory(FingerprintSnapshot snapshot, long partEntries)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var (bytes, macKey) = FingerprintIndexBuilder.BuildInMemory(snapshot, enrollmentId: 0, partEntries);
        var memory = IndexMemory.Pinned(bytes);
        var format = FingerprintIndexFormat.ReadHeader(bytes, bytes.Length, 0, macKey, out _, out var problem)
            ?? throw new InvalidOperationException("An index built in memory does not check: " + problem);
        return (memory, format);
    }

    private uint[] CopyTable(long at, int bits) => new ReadOnlySpan<uint>(_base + at, (1 << bits) + 1).ToArray();

    /// <summary>
    /// A filter's copy, up to <see cref="FingerprintIndexFormat.MaxCopiedFilterBytes"/>: in the process's memory it stays
    /// resident even when the page cache is short (at 10 M patients and more the file's pages come and go), so the
    /// lookups of strangers' keys and of words that are no name never wait for the disk; and it costs less to reach than
    /// the file's pages (measured: a linked lookup's filter probe, 6.8 % of the scan's CPU copied, 10.3 % in place, as
    /// anonymous memory takes fewer TLB misses). Aligned on a cache line so a block is never split. A larger filter
    /// (the linked keys beyond some 11 M patients) is read in place, where sections start on 4 KiB: the process stays
    /// bounded.
    /// </summary>
    private static byte* CopyFilter(byte* inFile, long bytes, long maxCopiedBytes, out byte[]? copy)
    {
        copy = null;
        if (bytes > maxCopiedBytes) return inFile;
        copy = GC.AllocateUninitializedArray<byte>(checked((int)bytes + 63), pinned: true);
        fixed (byte* start = copy)
        {
            var aligned = (byte*)(((nint)start + 63) & ~(nint)63);
            new ReadOnlySpan<byte>(inFile, (int)bytes).CopyTo(new Span<byte>(aligned, (int)bytes));
            return aligned;
        }
    }

    /// <summary>The opaque patient references, by ordinal.</summary>
    public IReadOnlyList<Fingerprint> Patients { get; }

    public long LinkedCount => _format.Linked;

    public long MemberCount => _format.Members;

    /// <summary>Bytes the process holds for this index (tables and filter); the rest stays in the file's pages.</summary>
    public long ResidentBytes => (_linkedStarts.LongLength + _memberStarts.LongLength) * sizeof(uint)
        + (_linkedFilterCopy?.LongLength ?? 0) + (_memberFilterCopy?.LongLength ?? 0);

    /// <summary>Bytes of the filters of the linked keys and of the members (copied or read in place).</summary>
    public (long Linked, long Members) FilterBytes => (_format.LinkedFilterBytes, _format.MemberFilterBytes);

    /// <summary>
    /// Indexes <paramref name="extra"/> (a few fingerprints: the canaries) after this index's, in memory: their ordinals
    /// follow the patients'. Called once, before the index is shared with any scan.
    /// </summary>
    public void Append(FingerprintSnapshot extra)
    {
        if (_extra is not null) throw new InvalidOperationException("Fingerprints were appended already.");
        _extra = new FingerprintIndex(extra);
    }

    /// <summary>Adds to <paramref name="patients"/> every patient the key points at; returns how many.</summary>
    public int Lookup(ulong key, List<int> patients)
    {
        var found = LookupHere(key, patients);
        if (_extra is null) return found;
        var before = patients.Count;
        found += _extra.Lookup(key, patients);
        for (var i = before; i < patients.Count; i++) patients[i] += (int)_format.Patients;
        return found;
    }

    private int LookupHere(ulong key, List<int> patients)
    {
        // Nineteen lookups in twenty are strangers' keys: the filter (one cache line) turns almost all of them away
        // before the group table and the file's pages are touched.
        if (!LinkedFilterPasses(key)) return 0;
        var group = (int)(key >> _linkedShift);
        var start = _linkedStarts[group];
        var keys = new ReadOnlySpan<ulong>(_linkedKeys + start, (int)(_linkedStarts[group + 1] - start));
        var found = 0;
        for (var i = Estimate(keys, key, _format.LinkedBits); i < keys.Length && keys[i] == key; i++)
        {
            patients.Add(_linkedPatients[start + i]);
            found++;
        }
        return found;
    }

    /// <summary>
    /// Where <paramref name="key"/> is or would go in its group's sorted run, found from where it should be: keys are
    /// uniform, so the bits after the group's say how far into the run it lies (interpolation), and a short walk from
    /// there (two or three keys, one cache line, at about sixteen keys a group) finds it. The walk is exact whatever the
    /// keys' spread: a skewed run only makes it longer.
    /// </summary>
    private static int Estimate(ReadOnlySpan<ulong> sorted, ulong key, int groupBits)
    {
        if (sorted.IsEmpty) return 0;
        var at = (int)Math.BigMul(key << groupBits, (ulong)sorted.Length, out _);
        if (sorted[at] < key)
        {
            do at++;
            while (at < sorted.Length && sorted[at] < key);
            return at;
        }
        while (at > 0 && sorted[at - 1] >= key) at--;
        return at;
    }

    /// <summary>
    /// Asks the processor for the filter line a later <see cref="Lookup"/> of <paramref name="key"/> reads. A row's
    /// lookups are independent and each is a cache miss: requested together, their misses overlap instead of queueing.
    /// A hint only: nothing is read or decided here.
    /// </summary>
    public void PrefetchLinked(ulong key)
    {
        if (Sse.IsSupported) Sse.Prefetch0(_linkedFilter + KeyFilter.BlockOf(key, _linkedFilterBlocks) * KeyFilter.BlockBytes);
    }

    /// <summary>As <see cref="PrefetchLinked"/>, for a later <see cref="ContainsMember"/>.</summary>
    public void PrefetchMember(ulong key)
    {
        if (Sse.IsSupported) Sse.Prefetch0(_memberFilter + KeyFilter.BlockOf(key, _memberFilterBlocks) * KeyFilter.BlockBytes);
    }

    /// <summary>Whether the linked filter lets <paramref name="key"/> through (tests measure its rate).</summary>
    internal bool LinkedFilterPasses(ulong key) => KeyFilter.MayContain(_linkedFilter, _linkedFilterBlocks, key);

    internal bool MemberFilterPasses(ulong key) => KeyFilter.MayContain(_memberFilter, _memberFilterBlocks, key);

    public bool ContainsMember(ulong key) => ContainsMemberHere(key) || (_extra is not null && _extra.ContainsMember(key));

    private bool ContainsMemberHere(ulong key)
    {
        // Most words of a document are no name of the base: the filter (one cache line; 2.7 MB at 1 M patients, mostly
        // in cache) says so without touching the members' pages.
        if (!MemberFilterPasses(key)) return false;
        var group = (int)(key >> _memberShift);
        var start = _memberStarts[group];
        var members = new ReadOnlySpan<ulong>(_members + start, (int)(_memberStarts[group + 1] - start));
        var at = Estimate(members, key, _format.MemberBits);
        return at < members.Length && members[at] == key;
    }

    private Fingerprint Patient(int ordinal)
    {
        if (_extra is not null && ordinal >= _format.Patients) return _extra.Patient(checked((int)(ordinal - _format.Patients)));
        if ((uint)ordinal >= (ulong)_format.Patients) throw new ArgumentOutOfRangeException(nameof(ordinal));
        return Fingerprint.Read(new ReadOnlySpan<byte>(_patients + (long)ordinal * Fingerprint.Size, Fingerprint.Size));
    }

    /// <summary>Releases the file's mapping: only once no scan uses the index.</summary>
    public void Dispose()
    {
        _memory.Dispose();
        _extra?.Dispose();
    }

    private sealed class PatientList(FingerprintIndex index) : IReadOnlyList<Fingerprint>
    {
        public Fingerprint this[int index1] => index.Patient(index1);

        public int Count => (int)index._format.Patients + (index._extra?.Patients.Count ?? 0);

        public IEnumerator<Fingerprint> GetEnumerator()
        {
            for (var i = 0; i < Count; i++) yield return index.Patient(i);
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
