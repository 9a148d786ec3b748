using LeakWatch.Service.Keys;

namespace LeakWatch.Service.Detection;

/// <summary>
/// The one way to <see cref="ContentHashes"/>: built from the secret key once per process, after the database's
/// hashes of an older version were re-keyed (<see cref="LegacyHashUpgrade"/>), so that nothing is hashed or compared
/// before every stored value is keyed.
/// </summary>
internal sealed class ContentHashing(KeyProvider keys, LegacyHashUpgrade upgrade) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ContentHashes? _hashes;

    public async Task<ContentHashes> GetAsync(CancellationToken cancellationToken)
    {
        if (_hashes is { } ready) return ready;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_hashes is { } again) return again;
            var hashes = new ContentHashes(await keys.GetKeysAsync(cancellationToken));
            await upgrade.RunAsync(hashes, cancellationToken);
            _hashes = hashes;
            return hashes;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
