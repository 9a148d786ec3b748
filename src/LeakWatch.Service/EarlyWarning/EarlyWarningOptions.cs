using System.ComponentModel.DataAnnotations;

namespace LeakWatch.Service.EarlyWarning;

/// <summary>
/// What announces a leak before any row of ours shows: the lab's watched terms, and dumps shaped like French health
/// data that hold none of our patients. Section <c>LeakWatch:EarlyWarning</c>.
/// </summary>
internal sealed class EarlyWarningOptions
{
    public const string SectionName = "LeakWatch:EarlyWarning";

    /// <summary>The lab's names, its software, its sites: a crawled page that holds one raises an early warning.</summary>
    public List<WatchedTermOptions> WatchedTerms { get; set; } = [];

    /// <summary>Time allowed to one pattern on one document; past it the pattern is taken as not matching, and logged.</summary>
    public TimeSpan RegexTimeout { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Characters of a document's text that the terms are looked for in (announcements are short; dumps are not).</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxTextCharacters { get; set; } = 1024 * 1024;

    public SuspiciousDumpOptions SuspiciousDump { get; set; } = new();
}

/// <summary>One watched term: a word or phrase (<see cref="Text"/>) or a regular expression (<see cref="Pattern"/>).</summary>
internal sealed class WatchedTermOptions
{
    /// <summary>Names the term in incidents and alerts (the term is the lab's configuration, never patient data).</summary>
    public string Name { get; set; } = "";

    /// <summary>A word or a phrase, found whole (word boundaries), case and accents ignored: "Labo Santé Plus".</summary>
    public string? Text { get; set; }

    /// <summary>A .NET regular expression, matched case-insensitively against the text folded to ASCII (accents removed).</summary>
    public string? Pattern { get; set; }
}

/// <summary>When a document that holds none of our patients is still worth a look: counts only.</summary>
internal sealed class SuspiciousDumpOptions
{
    /// <summary>False: no suspicious-dump incident is raised.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Records holding a NIR with a valid key from which a document is suspicious.</summary>
    public int MinValidNirs { get; set; } = 1000;

    /// <summary>Records shaped like identities (last and first name, birth date, under headers) from which a document is suspicious.</summary>
    public int MinIdentityRows { get; set; } = 1000;
}
