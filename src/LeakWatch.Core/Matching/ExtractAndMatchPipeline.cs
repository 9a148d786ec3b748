using System.Collections.Concurrent;
using LeakWatch.Core.Extraction;
using LeakWatch.Core.Fingerprinting;

namespace LeakWatch.Core.Matching;

/// <summary>
/// Extracts the records of a document and matches them: runs extraction on the calling thread and matching on worker threads, joined by a bounded queue of record
/// batches: the extractor blocks when the workers fall behind, so memory stays flat whatever the document's size.
/// One pipeline per index; its matchers (and their memos) are reused from document to document.
/// </summary>
public sealed class ExtractAndMatchPipeline : IDisposable
{
    private readonly FingerprintIndex _index;
    private readonly FingerprintKeys _keys;
    private readonly int _workers;
    private readonly ConcurrentBag<RecordMatcher> _matchers = [];
    private readonly ConcurrentBag<RecordBatch> _batches = [];

    public ExtractAndMatchPipeline(FingerprintIndex index, FingerprintKeys keys, int workers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        _index = index;
        _keys = keys;
        _workers = workers;
    }

    public FingerprintIndex Index => _index;

    /// <summary>Runs <paramref name="extract"/> (which writes every record of one document) and returns the patients found.</summary>
    public DocumentMatches Run(Action<RecordWriter, CancellationToken> extract, CancellationToken cancellationToken)
    {
        using var queue = new BlockingCollection<RecordBatch>(boundedCapacity: _workers * 2);
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var results = new DocumentMatches[_workers];
        var workers = new Task[_workers];
        for (var w = 0; w < _workers; w++)
        {
            var slot = w;
            results[slot] = new DocumentMatches();
            workers[slot] = Task.Factory.StartNew(
                () => Work(queue, results[slot], failed),
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
        }

        Exception? extractionError = null;
        try
        {
            var writer = new RecordWriter(Rent, batch => queue.Add(batch, failed.Token));
            extract(writer, failed.Token);
            writer.Flush();
        }
        catch (OperationCanceledException) when (failed.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // A worker failed: its exception is the one to report.
        }
        catch (Exception ex)
        {
            extractionError = ex;
        }
        finally
        {
            queue.CompleteAdding();
        }

        Task.WaitAll(workers, CancellationToken.None);
        if (extractionError is not null) throw extractionError;
        cancellationToken.ThrowIfCancellationRequested();
        for (var w = 1; w < _workers; w++) results[0].MergeFrom(results[w]);
        return results[0];
    }

    private void Work(BlockingCollection<RecordBatch> queue, DocumentMatches matches, CancellationTokenSource failed)
    {
        var matcher = _matchers.TryTake(out var pooled) ? pooled : new RecordMatcher(_index, _keys);
        try
        {
            foreach (var batch in queue.GetConsumingEnumerable(CancellationToken.None))
            {
                if (!failed.IsCancellationRequested) matcher.Match(batch, matches);
                batch.Clear();
                _batches.Add(batch);
            }
        }
        catch
        {
            failed.Cancel();
            // Keep draining so the extractor is never left blocked on a full queue.
            foreach (var batch in queue.GetConsumingEnumerable(CancellationToken.None)) batch.Clear();
            throw;
        }
        finally
        {
            _matchers.Add(matcher);
        }
    }

    private RecordBatch Rent() => _batches.TryTake(out var batch) ? batch : new RecordBatch();

    /// <summary>Disposes the matchers and the index (its file's mapping): only once no document is being scanned.</summary>
    public void Dispose()
    {
        while (_matchers.TryTake(out var matcher)) matcher.Dispose();
        _index.Dispose();
    }
}
