using System.Security.Cryptography;
using System.Text;

namespace LeakWatch.Core.Fingerprinting;

/// <summary>
/// Keyed fingerprints (scheme <see cref="FingerprintScheme.Current"/>): SipHash-2-4-128 with one HKDF sub-key per
/// <see cref="FingerprintKind"/>, so kinds cannot be compared. Patient references alone stay HMAC-SHA256 (truncated to
/// 128 bits): they are computed once per patient, not per token, and references printed or recorded in incidents
/// before the scheme changed keep naming the same patients.
/// Not thread-safe (scratch buffer, HMAC context): each worker creates its own from the shared <see cref="FingerprintKeys"/>.
/// </summary>
public sealed class Fingerprinter : IDisposable
{
    private const byte Separator = (byte)'|';
    private readonly FingerprintKeys _keys;
    private IncrementalHash? _patientRef;
    private byte[] _buffer = new byte[256];

    public Fingerprinter(FingerprintKeys keys) => _keys = keys;

    public Fingerprint Compute(FingerprintKind kind, ReadOnlySpan<char> value) => Compute(kind, Encode(value, [], [], parts: 1));

    public Fingerprint Compute(FingerprintKind kind, ReadOnlySpan<char> first, ReadOnlySpan<char> second) =>
        Compute(kind, Encode(first, second, [], parts: 2));

    public Fingerprint Compute(FingerprintKind kind, ReadOnlySpan<char> first, ReadOnlySpan<char> second, ReadOnlySpan<char> third) =>
        Compute(kind, Encode(first, second, third, parts: 3));

    /// <summary>
    /// The index key of a fingerprint (<see cref="Matching.FingerprintSnapshot.Key"/>, its low 64 bits) without the rest:
    /// what a scan looks up, for one SipHash finalization instead of two. Not for patient references (HMAC-SHA256).
    /// </summary>
    public ulong Key(FingerprintKind kind, ReadOnlySpan<char> value) => SipHashOf(kind).ComputeLow(Encode(value, [], [], parts: 1));

    public ulong Key(FingerprintKind kind, ReadOnlySpan<char> first, ReadOnlySpan<char> second) =>
        SipHashOf(kind).ComputeLow(Encode(first, second, [], parts: 2));

    public ulong Key(FingerprintKind kind, ReadOnlySpan<char> first, ReadOnlySpan<char> second, ReadOnlySpan<char> third) =>
        SipHashOf(kind).ComputeLow(Encode(first, second, third, parts: 3));

    /// <summary>Two kinds' keys of one value, the value encoded once (a word as a last name and as a first name).</summary>
    public (ulong First, ulong Second) Keys(FingerprintKind first, FingerprintKind second, ReadOnlySpan<char> value)
    {
        var data = Encode(value, [], [], parts: 1);
        return (SipHashOf(first).ComputeLow(data), SipHashOf(second).ComputeLow(data));
    }

    private ref readonly SipHash SipHashOf(FingerprintKind kind)
    {
        if (kind == FingerprintKind.PatientRef) throw new ArgumentOutOfRangeException(nameof(kind), "Patient references are HMAC-SHA256, not index keys.");
        return ref _keys.SipHashFor(kind);
    }

    /// <summary>The parts' UTF-8, joined by the separator, in the reused buffer.</summary>
    private ReadOnlySpan<byte> Encode(ReadOnlySpan<char> first, ReadOnlySpan<char> second, ReadOnlySpan<char> third, int parts)
    {
        var needed = Encoding.UTF8.GetMaxByteCount(first.Length + second.Length + third.Length) + 2;
        if (_buffer.Length < needed) _buffer = new byte[Math.Max(needed, _buffer.Length * 2)];
        var length = Utf8(first, 0);
        if (parts >= 2)
        {
            _buffer[length++] = Separator;
            length = Utf8(second, length);
        }
        if (parts >= 3)
        {
            _buffer[length++] = Separator;
            length = Utf8(third, length);
        }
        return _buffer.AsSpan(0, length);
    }

    private Fingerprint Compute(FingerprintKind kind, ReadOnlySpan<byte> data)
    {
        if (kind != FingerprintKind.PatientRef) return new Fingerprint(_keys.SipHashFor(kind).Compute128(data));

        var hmac = _patientRef ??= IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _keys.HmacKey(kind));
        hmac.AppendData(data);
        Span<byte> digest = stackalloc byte[32];
        hmac.GetHashAndReset(digest);
        return Fingerprint.Read(digest[..Fingerprint.Size]);
    }

    /// <summary>UTF-8 of <paramref name="text"/> at <paramref name="at"/>; names, dates and numbers are ASCII, copied byte by byte.</summary>
    private int Utf8(ReadOnlySpan<char> text, int at)
    {
        var i = 0;
        for (; i < text.Length && text[i] < 0x80; i++) _buffer[at + i] = (byte)text[i];
        if (i == text.Length) return at + i;
        return at + i + Encoding.UTF8.GetBytes(text[i..], _buffer.AsSpan(at + i));
    }

    public void Dispose() => _patientRef?.Dispose();
}

/// <summary>The derived sub-keys, computed once per process and shared by every <see cref="Fingerprinter"/>.</summary>
public sealed class FingerprintKeys
{
    private readonly byte[] _patientRefKey;
    private readonly byte[] _keyIdKey;
    private readonly SipHash[] _sipHash = new SipHash[byte.MaxValue + 1];
    private readonly bool[] _known = new bool[byte.MaxValue + 1];

    public FingerprintKeys(SecretKey key)
    {
        foreach (var kind in Enum.GetValues<FingerprintKind>())
        {
            _sipHash[(int)kind] = new SipHash(key.DeriveSipHashKey(kind));
            _known[(int)kind] = true;
        }
        _patientRefKey = key.DeriveSubKey(FingerprintKind.PatientRef);
        _keyIdKey = key.DeriveSubKey(FingerprintKind.KeyId);
        KeyId = key.Id;
    }

    public string KeyId { get; }

    internal ref readonly SipHash SipHashFor(FingerprintKind kind)
    {
        if (!_known[(int)kind]) throw new ArgumentOutOfRangeException(nameof(kind), "Unknown fingerprint kind.");
        return ref _sipHash[(int)kind];
    }

    internal byte[] HmacKey(FingerprintKind kind) =>
        kind == FingerprintKind.PatientRef ? _patientRefKey : throw new ArgumentOutOfRangeException(nameof(kind), "Only patient references are HMAC-SHA256.");

    public Fingerprinter CreateFingerprinter() => new(this);

    /// <summary>
    /// A key for a purpose of the service's own (the audit chain, sealed secrets): HKDF-Expand of the key-identifier
    /// sub-key with <paramref name="info"/>, so it is never comparable with a fingerprint kind.
    /// </summary>
    public byte[] DerivePurposeKey(string info) =>
        System.Security.Cryptography.HKDF.Expand(System.Security.Cryptography.HashAlgorithmName.SHA256, _keyIdKey, 32, System.Text.Encoding.ASCII.GetBytes(info));

    public override string ToString() => "FingerprintKeys(" + KeyId + ")";
}
