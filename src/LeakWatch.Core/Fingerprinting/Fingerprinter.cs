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

    public Fingerprint Compute(FingerprintKind kind, ReadOnlySpan<char> value) => Compute(kind, value, [], [], parts: 1);

    public Fingerprint Compute(FingerprintKind kind, ReadOnlySpan<char> first, ReadOnlySpan<char> second) =>
        Compute(kind, first, second, [], parts: 2);

    public Fingerprint Compute(FingerprintKind kind, ReadOnlySpan<char> first, ReadOnlySpan<char> second, ReadOnlySpan<char> third) =>
        Compute(kind, first, second, third, parts: 3);

    private Fingerprint Compute(FingerprintKind kind, ReadOnlySpan<char> first, ReadOnlySpan<char> second, ReadOnlySpan<char> third, int parts)
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

        var data = _buffer.AsSpan(0, length);
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
