//! The write path: profile files walked, parsed in parallel batches and analysed, their
//! vectors encoded, and their documents handed to the index writer; upserts and deletes
//! of single profiles through the same steps. Every change is one commit, so an
//! interrupted run leaves the index as it was.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use tantivy::{TantivyDocument, Term, doc};

use super::{ENCODE_TOGETHER, IndexOptions, IndexReport, Matcher, Writing, guarded};
use crate::analysis::Analyzer;
use crate::embed::{Encoder, passages};
use crate::error::{Error, Result};
use crate::index::{self, ProfileVectors, Quantised, RescoreFacts, Store};
use crate::ingest::{self, SourceFile, Stated};
use crate::profile::Profile;

impl Matcher {
    /// Index the profile files under `paths` (files or directories, walked recursively).
    ///
    /// Re-indexing a file replaces its profile (upsert by id); an unchanged file is
    /// skipped. The run commits once at the end: if it is interrupted, the index keeps
    /// its previous state. A file that cannot be read is reported in
    /// [`IndexReport::failures`] and the others are indexed.
    pub fn index<P: AsRef<Path> + Sync>(
        &self,
        paths: &[P],
        options: &IndexOptions,
    ) -> Result<IndexReport> {
        let start = Instant::now();
        self.writable()?;
        let dir = &self.config.index_dir;
        // A readable index is rebuilt in place: every document deleted and re-added in the
        // run's one commit, so an interrupted rebuild leaves the old index whole. One that
        // cannot be read (another schema version) is removed first, under the lock.
        let in_place = options.rebuild && Store::open(dir, &self.analyzer).is_ok();
        if options.rebuild && !in_place {
            Store::remove(dir)?;
        }
        let store = Store::open_or_create(dir, &self.analyzer)?;
        // One indexing thread: documents land in segments in walk order, so the same files
        // always give the same segments — and bit-identical BM25 scores, which depend on
        // the order Tantivy sums term scores in each segment. Parsing, the expensive part,
        // is still parallel.
        let mut writer = store.writer(self.config.writer_memory, 1)?;
        let stored = if in_place {
            writer.delete_all_documents()?;
            HashMap::new()
        } else {
            store.stored()?
        };

        let walk = ingest::walk(paths);
        let mut report = IndexReport {
            ignored: walk.ignored,
            failures: walk.errors,
            ..IndexReport::default()
        };
        let fields = store.fields;
        let mut seen: HashMap<String, PathBuf> = HashMap::new();
        // Parsed in batches, in walk order: the pool parses one batch while memory holds
        // only that batch's profiles, whatever the corpus size.
        for batch in walk.files.chunks(PARSE_BATCH) {
            // Parsing and analysis run on the pool; a file whose text is what the index
            // already holds for it is neither parsed nor analysed.
            let prepared: Vec<Result<Prepared>> = self.install(|| {
                batch
                    .par_chunks(ENCODE_TOGETHER)
                    .map(|files| self.prepare(files, &fields, &stored))
                    .collect::<Vec<_>>()
                    .into_iter()
                    .flatten()
                    .collect()
            });
            for (file, item) in batch.iter().zip(prepared) {
                let prepared = match item {
                    Ok(prepared) => prepared,
                    Err(err) => {
                        report.failures.push(err);
                        continue;
                    }
                };
                if let Some(first) = seen.get(&file.id) {
                    report.failures.push(Error::input(
                        &file.path,
                        format!(
                            "duplicate id `{}`: already taken by {}",
                            file.id,
                            first.display()
                        ),
                    ));
                    continue;
                }
                seen.insert(file.id.clone(), file.path.clone());
                let Prepared::Changed(doc) = prepared else {
                    report.skipped += 1;
                    continue;
                };
                if stored.contains_key(&file.id) {
                    writer.delete_term(Term::from_field_text(fields.id, &file.id));
                    report.updated += 1;
                } else {
                    report.indexed += 1;
                }
                writer.add_document(*doc)?;
            }
        }
        if options.prune {
            for (id, s) in &stored {
                // Profiles upserted through the library have no file to be gone.
                if !seen.contains_key(id) && !s.path.is_empty() && !Path::new(&s.path).exists() {
                    writer.delete_term(Term::from_field_text(fields.id, id));
                    report.pruned += 1;
                }
            }
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        self.refresh()?;
        report.elapsed = start.elapsed();
        Ok(report)
    }

    /// Read profile files for indexing, each unchanged (its id, path and text are what
    /// the index holds), or parsed, analysed and made a document. A JobPosting is
    /// refused. The changed profiles' vectors are encoded together
    /// ([`Matcher::profiles_vectors`]); a file that fails, even by a panic, is that
    /// file's error alone.
    fn prepare(
        &self,
        files: &[SourceFile],
        fields: &index::Fields,
        stored: &HashMap<String, index::Stored>,
    ) -> Vec<Result<Prepared>> {
        let parsed: Vec<Result<Option<(Profile, String, u64)>>> = files
            .iter()
            .map(|file| guarded(&file.path, || self.parse(file, stored)))
            .collect();
        let profiles: Vec<&Profile> = parsed
            .iter()
            .filter_map(|p| p.as_ref().ok()?.as_ref().map(|(profile, ..)| profile))
            .collect();
        // Encoded together; should that ever panic, each on its own, so that only the
        // file that panics loses its document.
        let together = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.profiles_vectors(&profiles)
        }));
        let mut together = together.ok().map(Vec::into_iter);
        files
            .iter()
            .zip(parsed)
            .map(|(file, parsed)| {
                let Some((profile, path, hash)) = parsed? else {
                    return Ok(Prepared::Unchanged);
                };
                guarded(&file.path, || {
                    let vectors = match together.as_mut() {
                        Some(vectors) => vectors.next().expect("one per profile"),
                        None => self.profiles_vectors(&[&profile]).remove(0),
                    };
                    let doc = document(
                        fields,
                        &self.analyzer,
                        (&file.id, &path, hash),
                        &profile,
                        vectors,
                    )
                    .map_err(|e| Error::input(&file.path, e))?;
                    Ok(Prepared::Changed(Box::new(doc)))
                })
            })
            .collect()
    }

    /// One profile file read and parsed, with its absolute path and content hash;
    /// `None` when the index holds its text already.
    fn parse(
        &self,
        file: &SourceFile,
        stored: &HashMap<String, index::Stored>,
    ) -> Result<Option<(Profile, String, u64)>> {
        let text = ingest::read_file(&file.path, &self.config.read)?;
        if let Some(Stated::Job(_)) = text.stated {
            return Err(Error::input(
                &file.path,
                "is a schema.org JobPosting, not a résumé (rank it with `matcher query`)",
            ));
        }
        let path = absolute(&file.path);
        let hash = index::content_hash(&text.text);
        if stored
            .get(&file.id)
            .is_some_and(|s| s.hash == hash && s.path == path)
        {
            return Ok(None);
        }
        Ok(Some((
            Profile::parse(file.id.clone(), text, self.lexicon()),
            path,
            hash,
        )))
    }

    /// Add or replace profiles parsed by the caller (from an upload, a database — see
    /// [`Text::from_bytes`](crate::Text::from_bytes) and [`Profile::parse`]), by id, in one commit: all of them
    /// land or none does. Returns how many replaced an existing profile. They have no
    /// file, so `index --prune` leaves them alone; [`Matcher::delete`] removes them.
    pub fn upsert(&self, profiles: &[Profile]) -> Result<usize> {
        self.replace(
            profiles.iter().map(|p| (p.id.as_str(), Some(p))).collect(),
            true,
        )
    }

    /// Remove the profiles with these ids, in one commit. Returns how many were there.
    pub fn delete<S: AsRef<str>>(&self, ids: &[S]) -> Result<usize> {
        self.replace(ids.iter().map(|id| (id.as_ref(), None)).collect(), false)
    }

    /// Wait for the kept writer's merges and release it, and the index's write lock
    /// ([`MatcherBuilder::keep_writer`](super::MatcherBuilder::keep_writer)); the next write opens it again. Without a kept
    /// writer, nothing to do.
    pub fn close_writer(&self) -> Result<()> {
        let kept = self
            .writing
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(w) = kept {
            w.writer.wait_merging_threads()?;
        }
        Ok(())
    }

    /// Delete each id's document and add its new profile, if any, in one commit; then
    /// let this engine's searches see it. Returns how many ids had a document. `create`:
    /// whether a missing index is created (an upsert) or an error (a delete).
    fn replace(&self, changes: Vec<(&str, Option<&Profile>)>, create: bool) -> Result<usize> {
        self.writable()?;
        let mut slot = self.writing.lock().unwrap_or_else(|e| e.into_inner());
        let mut w = match slot.take() {
            Some(w) => w,
            None => {
                let dir = &self.config.index_dir;
                let store = if create {
                    Store::open_or_create(dir, &self.analyzer)?
                } else {
                    Store::open(dir, &self.analyzer)?
                };
                let writer = store.writer(self.config.writer_memory, 1)?;
                let reader = store.reader()?;
                Writing {
                    store,
                    writer,
                    reader,
                }
            }
        };
        // The documents, vectors included, are made on the engine's threads: the
        // encoder is most of an upsert's work.
        let fields = &w.store.fields;
        let docs: Result<Vec<Option<TantivyDocument>>> = self.install(|| {
            changes
                .par_chunks(ENCODE_TOGETHER)
                .map(|changes| {
                    let profiles: Vec<&Profile> = changes.iter().filter_map(|c| c.1).collect();
                    let mut vectors = self.profiles_vectors(&profiles).into_iter();
                    changes
                        .iter()
                        .map(|&(id, profile)| {
                            profile
                                .map(|p| {
                                    let hash = index::content_hash(&p.text);
                                    let vectors = vectors.next().expect("one per profile");
                                    document(fields, &self.analyzer, (id, "", hash), p, vectors)
                                        .map_err(|e| Error::usage(format!("profile {id}: {e}")))
                                })
                                .transpose()
                        })
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<_>>()
                .into_iter()
                .flatten()
                .collect()
        });
        let docs = match docs {
            Ok(docs) => docs,
            Err(err) => {
                *slot = self.config.keep_writer.then_some(w);
                return Err(err);
            }
        };
        // On an error `w` is dropped with what it holds uncommitted (Tantivy rolls it
        // back), and the next write opens a new writer.
        let existed = (|| {
            let searcher = w.reader.searcher();
            let mut existed = 0;
            for ((id, _), doc) in changes.iter().zip(docs) {
                let term = Term::from_field_text(w.store.fields.id, id);
                if searcher.doc_freq(&term)? > 0 {
                    existed += 1;
                }
                w.writer.delete_term(term);
                if let Some(doc) = doc {
                    w.writer.add_document(doc)?;
                }
            }
            w.writer.commit()?;
            w.reader.reload()?;
            Ok::<_, Error>(existed)
        })()?;
        if self.config.keep_writer {
            *slot = Some(w);
        } else {
            w.writer.wait_merging_threads()?;
        }
        drop(slot);
        self.refresh()?;
        Ok(existed)
    }

    /// Profiles' sentence vectors ([`passages`]), in order: each one's text, read from
    /// the top within the token budget, and its headline (or first title), all in one
    /// encoder call ([`passages::texts_and_titles`]). `None` for every profile when the
    /// budget is 0, and for one with no text.
    fn profiles_vectors(&self, profiles: &[&Profile]) -> Vec<Option<ProfileVectors>> {
        if self.config.embed_tokens == 0 {
            return vec![None; profiles.len()];
        }
        let items: Vec<(&str, &str)> = profiles
            .iter()
            .map(|p| {
                let title = p
                    .headline
                    .as_deref()
                    .or(p.titles.first().map(String::as_str))
                    .unwrap_or("");
                (p.ranking_text.as_str(), title)
            })
            .collect();
        passages::texts_and_titles(Encoder::builtin(), &items, self.config.embed_tokens)
            .into_iter()
            .map(|(text, title)| {
                Some(ProfileVectors {
                    text: Quantised::new(&text?),
                    title: title.as_ref().map(Quantised::new),
                })
            })
            .collect()
    }
}

/// How many files are parsed before their profiles are handed to the index writer.
const PARSE_BATCH: usize = 4096;

/// A profile file made ready for the index writer.
enum Prepared {
    /// The index holds this file's text already.
    Unchanged,
    /// Its new document.
    Changed(Box<tantivy::TantivyDocument>),
}

/// The index document of a profile. `analyzer` analyses its ranking text — once: the
/// terms are indexed as they are, the term table is stored ([`index::TermTable`]) —
/// and makes its headline's terms, which re-scoring reads from the facts column.
fn document(
    fields: &index::Fields,
    analyzer: &Analyzer,
    (id, path, hash): (&str, &str, u64),
    profile: &Profile,
    vectors: Option<ProfileVectors>,
) -> std::result::Result<tantivy::TantivyDocument, String> {
    let (terms, phrases, table) = index::TermTable::analyse(analyzer, &profile.ranking_text);
    let mut doc = doc!(
        fields.id => id,
        fields.path => path,
        fields.hash => hash,
        fields.body => terms,
        fields.text => profile.ranking_text.as_str(),
    );
    doc.add_bytes(fields.terms, &table.encode()?);
    let [phrases, han_phrases] = phrases;
    if !phrases.is_empty() {
        doc.add_text(fields.phrases, phrases);
    }
    if !han_phrases.is_empty() {
        doc.add_text(fields.han_phrases, han_phrases);
    }
    if let Some(name) = &profile.personal.name {
        doc.add_text(fields.name, name);
    }
    if profile.personal != crate::Personal::default() {
        let personal = serde_json::to_string(&profile.personal).map_err(|e| e.to_string())?;
        doc.add_text(fields.personal, personal);
    }
    if let Some(headline) = &profile.headline {
        doc.add_text(fields.headline, headline);
    }
    for skill in &profile.skills {
        doc.add_text(fields.skills, skill.skill.to_lowercase());
    }
    let occupations = index::occupation_tokens(&profile.occupations);
    if !occupations.is_empty() {
        doc.add_text(fields.occupations, occupations);
    }
    let headline_terms = profile
        .headline
        .as_deref()
        .map(|h| analyzer.terms(h))
        .unwrap_or_default();
    let facts = RescoreFacts::new(id, profile.facts(), headline_terms).encode()?;
    doc.add_bytes(fields.facts, &facts);
    if let Some(vectors) = vectors {
        doc.add_bytes(fields.vectors, &vectors.encode());
    }
    Ok(doc)
}

fn absolute(path: &Path) -> String {
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .to_string_lossy()
        .into_owned()
}
