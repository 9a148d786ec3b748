using LeakWatch.Service.CommandLine;
using LeakWatch.Service.Keys;

namespace LeakWatch.Service.Detection;

/// <summary>
/// The one way to <see cref="ContentHashes"/>: built from the secret key once per process, after the database's
/// hashes of an older version were re-keyed (<see cref="LegacyHashUpgrade"/>), so that nothing is hashed or compared
/// before every stored value is keyed. While they cannot be re-keyed (a full or read-only disk), each call tries
/// again, and what records refuses: a document seen before would not be known and would be recorded twice.
/// </summary>
internal sealed class ContentHashing(KeyProvider keys, LegacyHashUpgrade upgrade) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ContentHashes? _hashes;

    /// <summary>The hashes for what only reads (a scan's output): old values may still wait to be re-keyed.</summary>
    public async Task<ContentHashes> GetAsync(CancellationToken cancellationToken) => (await GetCheckedAsync(cancellationToken)).Hashes;

    /// <summary>The hashes for what records or compares with the database (crawl, run): every stored value keyed.</summary>
    public async Task<ContentHashes> GetForRecordingAsync(CancellationToken cancellationToken)
    {
        var (hashes, complete) = await GetCheckedAsync(cancellationToken);
        if (!complete)
        {
            throw new LeakWatchException(
                "the content hashes an older LeakWatch stored could not be re-keyed (the database's disk is full or read-only); " +
                "nothing is crawled or recorded until they are, so that no document is taken for new. Free the disk and start again.");
        }
        return hashes;
    }

    private async Task<(ContentHashes Hashes, bool Complete)> GetCheckedAsync(CancellationToken cancellationToken)
    {
        if (_hashes is { } ready) return (ready, true);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_hashes is { } again) return (again, true);
            var hashes = new ContentHashes(await keys.GetKeysAsync(cancellationToken));
            if (!await upgrade.RunAsync(hashes, cancellationToken)) return (hashes, false);
            _hashes = hashes;
            return (hashes, true);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
