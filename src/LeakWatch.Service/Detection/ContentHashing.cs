using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Keys;

namespace LeakWatch.Service.Detection;

/// <summary>
/// The one way to <see cref="ContentHashes"/>, built from the secret key once per process. What records or compares
/// with the database gets them only after the database's hashes of an older version were re-keyed
/// (<see cref="LegacyHashUpgrade"/>), so that nothing is compared before every stored value is keyed. While they cannot
/// be re-keyed (a full or read-only disk), each call tries again, and what records refuses: a document seen before
/// would not be known and would be recorded twice. What only reads (a scan) never waits for the upgrade, nor takes the
/// database's write lock: the hashes follow from the key alone.
/// </summary>
internal sealed class ContentHashing(KeyProvider keys, LegacyHashUpgrade upgrade) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ContentHashes? _hashes;
    private volatile bool _upgraded;

    /// <summary>The hashes for what only reads (a scan's output): old values may still wait to be re-keyed.</summary>
    public async Task<ContentHashes> GetAsync(CancellationToken cancellationToken) =>
        _hashes ??= new ContentHashes(await keys.GetKeysAsync(cancellationToken));

    /// <summary>The hashes for what records or compares with the database (crawl, run): every stored value keyed.</summary>
    public async Task<ContentHashes> GetForRecordingAsync(CancellationToken cancellationToken)
    {
        var hashes = await GetAsync(cancellationToken);
        if (_upgraded) return hashes;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!_upgraded && !await upgrade.RunAsync(hashes, cancellationToken))
            {
                throw new LeakWatchException(
                    "the content hashes an older LeakWatch stored could not be re-keyed (the database's disk is full or read-only); " +
                    "nothing is crawled or recorded until they are, so that no document is taken for new. Free the disk and start again.");
            }
            _upgraded = true;
            return hashes;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
