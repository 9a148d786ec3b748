using System.Text;
using LeakWatch.Core.Extraction;

namespace LeakWatch.Core.Tests.Extraction;

/// <summary>Tests that read the process's managed heap: they run alone, or other tests' garbage would be counted.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasured
{
    public const string Name = "Memory measured";
}

[Collection(MemoryMeasured.Name)]
public sealed class StreamingMemoryTests
{
    [Fact]
    public void Extract_LargeArrayOfObjects_StreamsInBoundedMemory()
    {
        const int count = 300_000;
        var stream = new GeneratedStream(count, i => Encoding.UTF8.GetBytes(
            (i == 0 ? "[" : ",") + $"{{\"ipp\":\"{i}\",\"nom\":\"NOM{i}\",\"prenom\":\"Prénom\",\"ddn\":\"1965-03-12\"}}" + (i == count - 1 ? "]" : "") + "\n"));
        var peak = 0L;
        long records = 0;
        var batches = 0;
        var writer = new RecordWriter(() => new RecordBatch(), batch =>
        {
            records += batch.Count;

            // Live objects only: the garbage of the generator is not the extractor's memory.
            if (++batches % 16 == 0) peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true));
            batch.Clear();
        });
        var before = GC.GetTotalMemory(forceFullCollection: true);

        var summary = RecordExtraction.Extract(stream, "big.json", writer, CancellationToken.None);
        writer.Flush();

        Assert.Equal(count, records);
        Assert.Null(summary.Problem);
        Assert.True(stream.Position > 20_000_000, "the document was not read whole");
        Assert.True(peak > 0 && peak - before < 32L * 1024 * 1024, $"managed memory grew by {(peak - before) / (1024 * 1024)} MiB");
    }
}
