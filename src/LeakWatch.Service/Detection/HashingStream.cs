using System.Security.Cryptography;
using LeakWatch.Core.Documents;

namespace LeakWatch.Service.Detection;

/// <summary>
/// A read-only pass-through that digests everything read, so a document is hashed in the same pass that extracts it;
/// <see cref="Finish"/> gives its keyed content hash (<see cref="ContentHashes"/>), how a dump seen again is recognised.
/// The bare digest never leaves this type.
/// </summary>
internal sealed class HashingStream(Stream inner, ContentHashes hashes) : ReadOnlyForwardStream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private string? _hex;

    public long BytesRead { get; private set; }

    /// <summary>Reads what the extractor left (a trailer, a capped tail) and returns the keyed content hash of the whole.</summary>
    public string Finish()
    {
        if (_hex is not null) return _hex;
        var buffer = new byte[1 << 16];
        while (Read(buffer) > 0)
        {
        }
        _hex = hashes.OfDigest(_hash.GetHashAndReset());
        return _hex;
    }

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        if (read > 0 && _hex is null)
        {
            _hash.AppendData(buffer[..read]);
            BytesRead += read;
        }
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _hash.Dispose();
        base.Dispose(disposing);
    }
}
