//! Feature weights: the documented defaults, overridable from a TOML file or the builder.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// How much each feature counts in the final score.
///
/// The score is `100 × Σ wᵢ·vᵢ / Σ wᵢ` over the features that apply to the job (a job
/// with no minimum years leaves the years weight out), so weights are relative: only
/// their ratios matter.
///
/// The fit features (every one but bm25) count in full for candidates whose evidence of
/// relevance reaches `text_gate` (0.4 by default), and in proportion below: at 0.2, half.
/// The evidence is the better of the candidate's text match against the best candidate's
/// (normalised BM25) and its required-skill coverage times the job's skill trust. So
/// skills and a title reorder the candidates the text or the required skills support,
/// but cannot lift one that shows neither over them, and a résumé in another language
/// that shows the required skills keeps its full fit. 0 turns the gate off, as does a
/// bm25 weight of 0.
///
/// By default, the weights `scripts/fit_weights.py` fitted with the semantic layer on
/// (coordinate ascent on MAP, 5-fold cross-validation by query, never on the TalentCLEF
/// 2026 set; docs/QUALITY.md): bm25 0.242, required_skills 0.242, preferred_skills
/// 0.064, related_skills 0.056, title 0.16, years 0.056, education 0.006, location
/// 0.024, semantic 0.09, semantic_title 0.06. They lift the seven-set macro MAP from
/// 0.616 (the lexical weights before them, kept in `data/weights-lexical.toml`) to
/// 0.662, most across languages. Text relevance and required skills lead; meaning and
/// the title separate candidates who are close on those, and find the ones that share
/// no word with the job.
///
/// A TOML file names any subset; the rest keep their defaults:
///
/// ```
/// let w = matcher::Weights::from_toml("required_skills = 0.5\nlocation = 0").unwrap();
/// assert_eq!(w.required_skills, 0.5);
/// assert_eq!(w.bm25, 0.242);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Weights {
    /// Normalised BM25 text relevance.
    pub bm25: f32,
    /// Rarity-weighted required-skill coverage.
    pub required_skills: f32,
    /// Rarity-weighted preferred-skill coverage.
    pub preferred_skills: f32,
    /// Partial credit for related skills.
    pub related_skills: f32,
    /// Title similarity. With a title weight of 0 the job's occupations are not
    /// searched either, so BM25 alone (`bm25_only`) stays plain BM25.
    pub title: f32,
    /// Years of experience against the minimum.
    pub years: f32,
    /// Education against the minimum.
    pub education: f32,
    /// Location match.
    pub location: f32,
    /// Job text ↔ profile text, as the sentence encoder reads them (any language).
    pub semantic: f32,
    /// Job title ↔ profile headline, as the sentence encoder reads them.
    pub semantic_title: f32,
    /// The evidence (normalised BM25, or trusted required-skill coverage) below which the
    /// fit features count in proportion, in [0, 1]. Not a feature weight: it is outside
    /// the sum. By default, 0.4 ([`TEXT_GATE`]); 0 turns the gate off.
    pub text_gate: f32,
    /// The share of its weight BM25 keeps for a job that is a title alone
    /// ([`Job::is_title_only`](crate::Job::is_title_only)), in [0, 1]: two or three words
    /// shared with a profile's title are weak text evidence ("técnico" and "de" match
    /// every técnico de …; enfermero and enfermera match nothing), while the title
    /// features and the encoder read the title whole. Not a feature weight: it scales
    /// bm25's (shown as the feature's `trust`). By default, fitted by
    /// `scripts/fit_weights.py` with the others ([`TITLE_BM25`]); 1 counts BM25 as for a
    /// posting.
    pub title_bm25: f32,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            bm25: 0.242,
            required_skills: 0.242,
            preferred_skills: 0.064,
            related_skills: 0.056,
            title: 0.16,
            years: 0.056,
            education: 0.006,
            location: 0.024,
            semantic: 0.09,
            semantic_title: 0.06,
            text_gate: TEXT_GATE,
            title_bm25: TITLE_BM25,
        }
    }
}

/// The default [`Weights::text_gate`]. Chosen on the four labelled sets and the generated
/// 100k set (docs/QUALITY.md, session 9): at 0.4 each is at or above its score without
/// the gate; higher, the résumé categories, whose relevant résumés often match the query
/// text weakly, start to lose.
pub const TEXT_GATE: f32 = 0.4;

/// The default [`Weights::title_bm25`]. Fitted by `scripts/fit_weights.py --fit
/// title_bm25` with every other weight kept (docs/QUALITY.md, session 20): 0.1 in four
/// of five cross-validation folds (0.2 in the fifth), on the English title sets and on
/// hand-written Spanish, French, German and Portuguese training title sets whose
/// occupations the evaluation sets do not have. Lower, Spanish and Portuguese titles
/// gain; the English ESCO/O*NET title pairs, which BM25 with English stemming reads
/// well, lose.
pub const TITLE_BM25: f32 = 0.1;

impl Weights {
    /// Weights with only BM25: the plain text-relevance ranking.
    pub fn bm25_only() -> Weights {
        Weights {
            bm25: 1.0,
            required_skills: 0.0,
            preferred_skills: 0.0,
            related_skills: 0.0,
            title: 0.0,
            years: 0.0,
            education: 0.0,
            location: 0.0,
            semantic: 0.0,
            semantic_title: 0.0,
            text_gate: 0.0,
            title_bm25: 1.0,
        }
    }

    /// The share of their weight the fit features get for a candidate whose evidence of
    /// relevance is `evidence` (see [`Weights::text_gate`]): 1 at or above `text_gate`,
    /// `evidence / text_gate` below. With a bm25 weight of 0 the text has no say, and
    /// the gate is off.
    pub fn gate(&self, evidence: f32) -> f32 {
        if self.text_gate > 0.0 && self.bm25 > 0.0 {
            (evidence / self.text_gate).clamp(0.0, 1.0)
        } else {
            1.0
        }
    }

    /// Parse weights from TOML text (keys are feature names; missing keys keep their
    /// defaults; unknown keys and negative weights are errors).
    pub fn from_toml(text: &str) -> std::result::Result<Weights, String> {
        let w: Weights = toml::from_str(text).map_err(|e| e.message().to_string())?;
        w.validate()?;
        Ok(w)
    }

    /// Read weights from a TOML file.
    pub fn from_file(path: &Path) -> Result<Weights> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::input(path, format!("cannot read: {e}")))?;
        Weights::from_toml(&text).map_err(|e| Error::input(path, format!("bad weights: {e}")))
    }

    /// These weights with the feature called `name` switched off.
    pub fn without(mut self, name: &str) -> Weights {
        let slot = match name {
            "bm25" => &mut self.bm25,
            "required_skills" => &mut self.required_skills,
            "preferred_skills" => &mut self.preferred_skills,
            "related_skills" => &mut self.related_skills,
            "title" => &mut self.title,
            "years" => &mut self.years,
            "education" => &mut self.education,
            "location" => &mut self.location,
            "semantic" => &mut self.semantic,
            "semantic_title" => &mut self.semantic_title,
            _ => return self,
        };
        *slot = 0.0;
        self
    }

    /// The weight of the feature called `name`.
    pub fn get(&self, name: &str) -> f32 {
        match name {
            "bm25" => self.bm25,
            "required_skills" => self.required_skills,
            "preferred_skills" => self.preferred_skills,
            "related_skills" => self.related_skills,
            "title" => self.title,
            "years" => self.years,
            "education" => self.education,
            "location" => self.location,
            "semantic" => self.semantic,
            "semantic_title" => self.semantic_title,
            _ => 0.0,
        }
    }

    fn validate(&self) -> std::result::Result<(), String> {
        let all = [
            self.bm25,
            self.required_skills,
            self.preferred_skills,
            self.related_skills,
            self.title,
            self.years,
            self.education,
            self.location,
            self.semantic,
            self.semantic_title,
        ];
        if all.iter().any(|w| !w.is_finite() || *w < 0.0) {
            return Err("weights must be finite and not negative".into());
        }
        if all.iter().sum::<f32>() <= 0.0 {
            return Err("at least one weight must be positive".into());
        }
        if !(0.0..=1.0).contains(&self.text_gate) {
            return Err("text_gate must be between 0 and 1".into());
        }
        if !(0.0..=1.0).contains(&self.title_bm25) {
            return Err("title_bm25 must be between 0 and 1".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_and_negative_weights_are_refused() {
        assert!(
            Weights::from_toml("bm26 = 1")
                .unwrap_err()
                .contains("unknown field")
        );
        assert!(Weights::from_toml("bm25 = -1").is_err());
        assert!(Weights::from_toml("text_gate = 1.5").is_err());
        assert!(Weights::from_toml("title_bm25 = 1.5").is_err());
        assert!(Weights::from_toml("title_bm25 = -0.1").is_err());
        assert!(Weights::from_toml("bm25 = 0\nrequired_skills = 0\npreferred_skills = 0\nrelated_skills = 0\ntitle = 0\nyears = 0\neducation = 0\nlocation = 0\nsemantic = 0\nsemantic_title = 0").is_err());
    }

    #[test]
    fn the_gate_scales_fit_below_its_threshold() {
        let w = Weights::default();
        assert_eq!(w.gate(1.0), 1.0);
        assert_eq!(w.gate(TEXT_GATE), 1.0);
        assert!((w.gate(TEXT_GATE / 2.0) - 0.5).abs() < 1e-6);
        assert_eq!(w.gate(0.0), 0.0);
        let off = Weights::from_toml("text_gate = 0").unwrap();
        assert_eq!(off.gate(0.01), 1.0);
        let no_text = Weights::from_toml("bm25 = 0").unwrap();
        assert_eq!(no_text.gate(0.01), 1.0);
    }

    #[test]
    fn the_weights_files_say_what_they_claim() {
        // data/weights-semantic.toml names the defaults.
        let named = Weights::from_toml(include_str!("../../data/weights-semantic.toml"));
        assert_eq!(named.unwrap(), Weights::default());
        // data/weights-lexical.toml matches as before the encoder: no semantic weight,
        // BM25 in full for a title.
        let lexical = Weights::from_toml(include_str!("../../data/weights-lexical.toml")).unwrap();
        assert_eq!((lexical.semantic, lexical.semantic_title), (0.0, 0.0));
        assert_eq!(lexical.title_bm25, 1.0);
    }

    #[test]
    fn defaults_sum_to_one() {
        let w = Weights::default();
        let sum: f32 = crate::features::all().iter().map(|f| w.get(f.name())).sum();
        assert!((sum - 1.0).abs() < 1e-6);
    }
}
