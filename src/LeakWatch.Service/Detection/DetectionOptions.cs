using System.ComponentModel.DataAnnotations;
using LeakWatch.Core.Documents;

namespace LeakWatch.Service.Detection;

/// <summary>How detection uses the machine and what it refuses to unpack. Section <c>LeakWatch:Detection</c>.</summary>
internal sealed class DetectionOptions
{
    public const string SectionName = "LeakWatch:Detection";

    /// <summary>Matching threads per document; 0 means one per core.</summary>
    [Range(0, 256)]
    public int Workers { get; set; }

    /// <summary>Largest decompressed size of one archive entry, in MiB.</summary>
    [Range(1, 1024 * 1024)]
    public long MaxEntryMegabytes { get; set; } = 4096;

    /// <summary>Largest decompressed size of everything inside one archive, in MiB.</summary>
    [Range(1, 1024 * 1024)]
    public long MaxTotalMegabytes { get; set; } = 8192;

    /// <summary>Largest decompressed/compressed ratio tolerated once an entry is past a few MiB: beyond it, a bomb.</summary>
    [Range(2, 100_000)]
    public double MaxCompressionRatio { get; set; } = 200;

    /// <summary>Deepest nesting of archives inside archives.</summary>
    [Range(1, 16)]
    public int MaxArchiveDepth { get; set; } = 4;

    /// <summary>Most entries read from one archive.</summary>
    [Range(1, 1_000_000)]
    public int MaxArchiveEntries { get; set; } = 10_000;

    public int EffectiveWorkers => Workers > 0 ? Workers : Environment.ProcessorCount;

    /// <summary>The limits above as Core's unpacker takes them.</summary>
    public UnpackLimits UnpackLimits => new()
    {
        MaxEntryBytes = MaxEntryMegabytes << 20,
        MaxTotalBytes = MaxTotalMegabytes << 20,
        MaxCompressionRatio = MaxCompressionRatio,
        MaxDepth = MaxArchiveDepth,
        MaxEntries = MaxArchiveEntries,
    };
}
