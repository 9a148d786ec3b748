using LeakWatch.Core.Fingerprinting;

namespace LeakWatch.Core.Normalization;

/// <summary>Why a patient of the export gets no fingerprint at all.</summary>
public enum SkipReason : byte
{
    /// <summary>No local identifier (IPP): nothing to point a match back to.</summary>
    NoIdentifier = 1,

    /// <summary>None of NIR, email, phone, or last name + first name + date of birth survived normalization.</summary>
    NoIdentifyingField = 2,
}

/// <summary>Fields that were filled in the export but could not be used; enrollment counts them by reason.</summary>
[Flags]
public enum NormalizationIssues
{
    None = 0,
    InvalidNir = 1 << 0,
    InvalidBirthDate = 1 << 1,
    InvalidPhone = 1 << 2,
    InvalidEmail = 1 << 3,

    /// <summary>No usable last name or no usable first name (absent or not a name): no name-based fingerprint.</summary>
    NoName = 1 << 4,

    /// <summary>A date of birth with a two-digit year: the century cannot be told, so the date is not used.</summary>
    AmbiguousBirthDate = 1 << 5,
}

/// <summary>The result of normalizing one patient of the export.</summary>
/// <param name="Identity">The normalized identity, or null when the patient is skipped.</param>
/// <param name="Skipped">Why the patient is skipped, or null.</param>
/// <param name="Issues">Fields that were present but unusable, whether or not the patient is skipped.</param>
public sealed record NormalizationOutcome(PatientIdentity? Identity, SkipReason? Skipped, NormalizationIssues Issues)
{
    public bool Has(NormalizationIssues issue) => (Issues & issue) == issue && issue != NormalizationIssues.None;
}
