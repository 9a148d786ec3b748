using System.Security.Cryptography;
using System.Text;

namespace LeakWatch.Core.Fingerprinting;

/// <summary>
/// HMAC-SHA256 with one HKDF sub-key per <see cref="FingerprintKind"/>, truncated to 128 bits.
/// Not thread-safe: each worker creates its own from the shared <see cref="FingerprintKeys"/>, because a
/// reused HMAC context costs about a third of a one-shot call that re-keys every time.
/// </summary>
internal sealed class Fingerprinter : IDisposable
{
    private const byte Separator = (byte)'|';
    private readonly IncrementalHash?[] _hmacs = new IncrementalHash?[byte.MaxValue + 1];
    private readonly FingerprintKeys _keys;
    private byte[] _buffer = new byte[256];

    public Fingerprinter(FingerprintKeys keys) => _keys = keys;

    private const int MaxCachedPerKind = 200_000;
    private readonly Dictionary<string, Fingerprint>?[] _cache = new Dictionary<string, Fingerprint>?[byte.MaxValue + 1];

    public Fingerprint Compute(FingerprintKind kind, ReadOnlySpan<char> value) => Compute(kind, value, [], []);

    /// <summary>
    /// The same as <see cref="Compute(FingerprintKind, ReadOnlySpan{char})"/>, remembered: for values that recur across
    /// patients (names), where a dictionary lookup costs a tenth of an HMAC. Bounded; lives as long as this instance.
    /// </summary>
    public Fingerprint ComputeCached(FingerprintKind kind, string value)
    {
        var cache = _cache[(int)kind] ??= new Dictionary<string, Fingerprint>(StringComparer.Ordinal);
        if (cache.TryGetValue(value, out var known)) return known;
        if (cache.Count >= MaxCachedPerKind) cache.Clear();
        var fingerprint = Compute(kind, value);
        cache[value] = fingerprint;
        return fingerprint;
    }

    public Fingerprint Compute(FingerprintKind kind, ReadOnlySpan<char> first, ReadOnlySpan<char> second) =>
        Compute(kind, first, second, [], parts: 2);

    public Fingerprint Compute(FingerprintKind kind, ReadOnlySpan<char> first, ReadOnlySpan<char> second, ReadOnlySpan<char> third) =>
        Compute(kind, first, second, third, parts: 3);

    private Fingerprint Compute(FingerprintKind kind, ReadOnlySpan<char> first, ReadOnlySpan<char> second, ReadOnlySpan<char> third, int parts = 1)
    {
        var needed = Encoding.UTF8.GetMaxByteCount(first.Length + second.Length + third.Length) + 2;
        if (_buffer.Length < needed) _buffer = new byte[Math.Max(needed, _buffer.Length * 2)];
        var length = Encoding.UTF8.GetBytes(first, _buffer);
        if (parts >= 2)
        {
            _buffer[length++] = Separator;
            length += Encoding.UTF8.GetBytes(second, _buffer.AsSpan(length));
        }
        if (parts >= 3)
        {
            _buffer[length++] = Separator;
            length += Encoding.UTF8.GetBytes(third, _buffer.AsSpan(length));
        }

        var hmac = _hmacs[(int)kind] ??= IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _keys.For(kind));
        hmac.AppendData(_buffer, 0, length);
        Span<byte> digest = stackalloc byte[32];
        hmac.GetHashAndReset(digest);
        return Fingerprint.Read(digest[..Fingerprint.Size]);
    }

    public void Dispose()
    {
        foreach (var hmac in _hmacs) hmac?.Dispose();
    }
}

/// <summary>The derived sub-keys, computed once per process and shared by every <see cref="Fingerprinter"/>.</summary>
internal sealed class FingerprintKeys
{
    private readonly byte[]?[] _subKeys = new byte[]?[byte.MaxValue + 1];

    public FingerprintKeys(SecretKey key)
    {
        foreach (var kind in Enum.GetValues<FingerprintKind>())
        {
            _subKeys[(int)kind] = key.DeriveSubKey(kind);
        }
        KeyId = key.Id;
    }

    public string KeyId { get; }

    public byte[] For(FingerprintKind kind) =>
        _subKeys[(int)kind] ?? throw new ArgumentOutOfRangeException(nameof(kind), "Unknown fingerprint kind.");

    public Fingerprinter CreateFingerprinter() => new(this);

    public override string ToString() => "FingerprintKeys(" + KeyId + ")";
}
