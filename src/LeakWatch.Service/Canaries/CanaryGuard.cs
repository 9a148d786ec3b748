using System.Globalization;
using LeakWatch.Core.Fingerprinting;
using LeakWatch.Core.Matching;
using LeakWatch.Core.Normalization;

namespace LeakWatch.Service.Canaries;

/// <summary>What an export row is to the canaries.</summary>
internal enum CanaryVerdict
{
    /// <summary>It shares nothing with any canary.</summary>
    None,
    /// <summary>It is a canary: two or more of its kinds of value (NIR, identity, phone, e-mail) are one canary's.</summary>
    Canary,
    /// <summary>A patient who shares one kind of value with a canary: enrolled; that value counts for the patient only.</summary>
    Collision,
}

/// <summary>
/// Keeps canaries and patients apart when the lab's export is enrolled. A row that is a canary (planted in the system
/// the export comes from, and exported with it) is not enrolled as a patient: it stays a canary. A real patient who
/// shares one value with a canary (a phone, an e-mail, a NIR, a name and birth date) is enrolled, and that value of
/// the canary is shadowed: a hit on it is the patient's. Both are counted and said, naming the system, never a value.
/// One per enrollment; called from the enrollment's writing thread.
/// </summary>
internal sealed class CanaryGuard(CanaryBook book)
{
    private readonly Dictionary<int, FieldKinds> _touched = [];

    public Dictionary<string, long> CanaryRowsBySystem { get; } = new(StringComparer.Ordinal);

    /// <summary>Patients sharing a value with a canary, by system and kind of value ("phone", "NIR"...).</summary>
    public SortedDictionary<(string System, string Kind), long> Collisions { get; } = [];

    /// <summary>The canary keys that enrolled patients share.</summary>
    public HashSet<ulong> Shadowed { get; } = [];

    public bool IsEmpty => book.Count == 0;

    /// <summary>Classifies one patient by its linked keys.</summary>
    public CanaryVerdict Check(IReadOnlyList<ulong> linked, int from, int to)
    {
        if (book.Count == 0) return CanaryVerdict.None;
        _touched.Clear();
        for (var i = from; i < to; i++)
        {
            foreach (var (canary, kind) in book.Find(linked[i])) _touched[canary] = _touched.GetValueOrDefault(canary) | KindOf(kind);
        }
        if (_touched.Count == 0) return CanaryVerdict.None;
        foreach (var (canary, kinds) in _touched)
        {
            if (System.Numerics.BitOperations.PopCount((uint)kinds) < 2) continue;
            var system = book.Systems[canary];
            CanaryRowsBySystem[system] = CanaryRowsBySystem.GetValueOrDefault(system) + 1;
            return CanaryVerdict.Canary;
        }
        foreach (var (canary, kinds) in _touched)
        {
            var key = (book.Systems[canary], Name(kinds));
            Collisions[key] = Collisions.GetValueOrDefault(key) + 1;
        }
        for (var i = from; i < to; i++)
        {
            if (book.Find(linked[i]).Count > 0) Shadowed.Add(linked[i]);
        }
        return CanaryVerdict.Collision;
    }

    /// <summary>The lines the enrollment's summary prints: systems, kinds and counts, never a value.</summary>
    public IEnumerable<string> Describe()
    {
        var c = CultureInfo.InvariantCulture;
        foreach (var (system, rows) in CanaryRowsBySystem)
        {
            yield return string.Create(c, $"  canaries: {rows:N0} rows of the export are canaries of system '{system}'; they stay canaries and were not enrolled as patients");
        }
        foreach (var ((system, kind), patients) in Collisions)
        {
            yield return string.Create(c, $"  WARNING: {patients:N0} enrolled patients share a {kind} with a canary of system '{system}': that value now counts for the patient only. Make new canaries for the system: leakwatch canary create --system '{system}'");
        }
    }

    private static FieldKinds KindOf(FingerprintKind kind) => kind switch
    {
        FingerprintKind.Nir or FingerprintKind.NirName or FingerprintKind.NirBirthDate => FieldKinds.Nir,
        FingerprintKind.Email or FingerprintKind.EmailName => FieldKinds.Email,
        FingerprintKind.Phone or FingerprintKind.PhoneName => FieldKinds.Phone,
        _ => FieldKinds.Identity,
    };

    private static string Name(FieldKinds kinds) => kinds switch
    {
        FieldKinds.Nir => "NIR",
        FieldKinds.Email => "e-mail",
        FieldKinds.Phone => "phone",
        _ => "name and birth date",
    };

    [Flags]
    private enum FieldKinds
    {
        Nir = 1,
        Email = 2,
        Phone = 4,
        Identity = 8,
    }
}

/// <summary>Fingerprints a canary through the enrollment's own normalizer and recipe, so a leak of it matches the same way.</summary>
internal sealed class CanaryFingerprinter : IFingerprintSink
{
    private readonly List<(FingerprintKind, ulong)> _linked = [];
    private readonly List<ulong> _members = [];

    public static CanaryFingerprints Compute(Fingerprinter fingerprinter, CanaryIdentity canary, Fingerprint reference)
    {
        var identity = IdentityNormalizer.Normalize(canary.ToRawPatient()).Identity
            ?? throw new InvalidOperationException("A generated canary did not normalize: the generator and the normalizer disagree.");
        var sink = new CanaryFingerprinter();
        FingerprintRecipe.Fingerprint(fingerprinter, identity, sink);
        return new CanaryFingerprints(reference, sink._linked, [.. sink._members.Distinct()]);
    }

    void IFingerprintSink.Linked(FingerprintKind kind, Fingerprint fingerprint) => _linked.Add((kind, FingerprintSnapshot.Key(fingerprint)));

    void IFingerprintSink.SetMember(FingerprintKind kind, Fingerprint fingerprint) => _members.Add(FingerprintSnapshot.Key(fingerprint));
}
