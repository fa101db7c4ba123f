//! The incident corpus and its scoreboard.
//!
//! `tests/incidents/NNN-name.json` is a cluster as `kubectl get -o json`
//! returns it (a `List`), reconstructed from the events, statuses and logs
//! pasted in a public issue thread; `NNN-name.expect.yaml` says what a correct
//! diagnosis finds: the symptom and its object, the root cause's loop, kind
//! and name (or `unexplained`), and words its fix must contain; a healthy
//! cluster expects no diagnosis at all. Each expectation cites its thread.
//!
//! The test loads every incident as `day2 diagnose --snapshot FILE` does,
//! scores the diagnoses and prints the scoreboard (overall, per loop, per
//! family) and the misses with what the engine said. With
//! `DAY2_UPDATE_SCOREBOARD=1` it also writes the scoreboard into
//! `docs/diagnosis-corpus.md`. It fails when an incident is malformed, when
//! accuracy falls below [`ACCURACY_FLOOR`], or when more healthy clusters
//! than [`HEALTHY_MISSES_CEILING`] get a diagnosis.
//!
//! `tests/incidents-heldout/` holds incidents in the same format, written
//! from other threads after the engine, which was not changed for them. The
//! same code scores them on their own, against [`HELDOUT_ACCURACY_FLOOR`] and
//! [`HELDOUT_HEALTHY_MISSES_CEILING`], into their own part of the document.
//! `tests/incidents-heldout-2/` is a second such set, written from yet other
//! threads without reading the engine, scored the same way against
//! [`HELDOUT2_ACCURACY_FLOOR`] and [`HELDOUT2_HEALTHY_MISSES_CEILING`]. The
//! engine has since been changed while reading it: it is a development set
//! now, not a held-out one. `tests/incidents-heldout-3/` is a third, written
//! the same way from threads none of the other sets use, against
//! [`HELDOUT3_ACCURACY_FLOOR`] and [`HELDOUT3_HEALTHY_MISSES_CEILING`]; it
//! too has since been read while changing the engine and is a development
//! set now. `tests/incidents-heldout-4/` is a fourth, written the same way
//! from yet other threads, against [`HELDOUT4_ACCURACY_FLOOR`] and
//! [`HELDOUT4_HEALTHY_MISSES_CEILING`]; it has since been read while
//! changing the engine as well and is a development set now.
//! `tests/incidents-heldout-5/` is a fifth, written the same way from threads
//! none of the other sets cites, against [`HELDOUT5_ACCURACY_FLOOR`] and
//! [`HELDOUT5_HEALTHY_MISSES_CEILING`]; it has since been read while
//! changing the engine as well and is a development set now.
//! `tests/incidents-heldout-6/` is a sixth, written the same way from yet
//! other threads, against [`HELDOUT6_ACCURACY_FLOOR`] and
//! [`HELDOUT6_HEALTHY_MISSES_CEILING`]; it has since been read while
//! changing the engine as well and is a development set now.
//! `tests/incidents-heldout-7/` is a seventh, written the same way from
//! threads none of the other sets cites, against
//! [`HELDOUT7_ACCURACY_FLOOR`] and [`HELDOUT7_HEALTHY_MISSES_CEILING`]; it
//! has since been read while changing the engine as well and is a
//! development set now.
//! `tests/incidents-heldout-8/` is an eighth, written the same way from
//! threads none of the other sets cites, against
//! [`HELDOUT8_ACCURACY_FLOOR`] and [`HELDOUT8_HEALTHY_MISSES_CEILING`]; it
//! has since been read while changing the engine as well and is a
//! development set now.
//! `tests/incidents-heldout-9/` is a ninth, written the same way from
//! threads none of the other sets cites, against
//! [`HELDOUT9_ACCURACY_FLOOR`] and [`HELDOUT9_HEALTHY_MISSES_CEILING`]; it
//! has since been read while changing the engine as well and is a
//! development set now.
//! `tests/incidents-heldout-10/` is a tenth, written the same way from
//! threads none of the other sets cites, against
//! [`HELDOUT10_ACCURACY_FLOOR`] and [`HELDOUT10_HEALTHY_MISSES_CEILING`]; it
//! has since been read while changing the engine as well and is a
//! development set now.
//! `tests/incidents-heldout-11/` is an eleventh, written the same way from
//! threads none of the other sets cites, against
//! [`HELDOUT11_ACCURACY_FLOOR`] and [`HELDOUT11_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-12/` is a twelfth, written the same way from
//! threads none of the other sets cites, against
//! [`HELDOUT12_ACCURACY_FLOOR`] and [`HELDOUT12_HEALTHY_MISSES_CEILING`]; it
//! has since been read while changing the engine and is a development set
//! now.
//! `tests/incidents-heldout-13/` is a thirteenth, written the same way from
//! threads none of the other sets cites, against
//! [`HELDOUT13_ACCURACY_FLOOR`] and [`HELDOUT13_HEALTHY_MISSES_CEILING`]; it
//! has since been read while changing the engine and is a development set
//! now.
//! `tests/incidents-heldout-14/` is a fourteenth, written the same way from
//! threads none of the other sets cites, against
//! [`HELDOUT14_ACCURACY_FLOOR`] and [`HELDOUT14_HEALTHY_MISSES_CEILING`]; it
//! has since been read while changing the engine and is a development set
//! now.
//! `tests/incidents-heldout-15/` is a fifteenth, written the same way from
//! threads none of the other sets cites, against
//! [`HELDOUT15_ACCURACY_FLOOR`] and [`HELDOUT15_HEALTHY_MISSES_CEILING`]; it
//! has since been read while changing the engine and is a development set
//! now.
//! `tests/incidents-heldout-16/` is a sixteenth, written the same way from
//! threads none of the other sets cites, against
//! [`HELDOUT16_ACCURACY_FLOOR`] and [`HELDOUT16_HEALTHY_MISSES_CEILING`]; it
//! has since been read while changing the engine and is a development set
//! now.
//! `tests/incidents-heldout-17/` is a seventeenth, written the same way from
//! threads none of the other sets cites, against
//! [`HELDOUT17_ACCURACY_FLOOR`] and [`HELDOUT17_HEALTHY_MISSES_CEILING`]; it
//! has since been read while changing the engine and is a development set
//! now.
//! `tests/incidents-heldout-18/` is an eighteenth, written the same way from
//! threads none of the other sets cites, against
//! [`HELDOUT18_ACCURACY_FLOOR`] and [`HELDOUT18_HEALTHY_MISSES_CEILING`]; it
//! has since been read while changing the engine and is a development set
//! now.
//! `tests/incidents-heldout-19/` is a nineteenth, written the same way from
//! threads none of the other sets cites, against
//! [`HELDOUT19_ACCURACY_FLOOR`] and [`HELDOUT19_HEALTHY_MISSES_CEILING`]; it
//! has since been read while changing the engine and is a development set
//! now.
//! `tests/incidents-heldout-20/` is a twentieth, written the same way from
//! threads none of the other sets cites, against
//! [`HELDOUT20_ACCURACY_FLOOR`] and [`HELDOUT20_HEALTHY_MISSES_CEILING`]; it
//! has since been read while changing the engine and is a development set
//! now.
//! `tests/incidents-heldout-21/` is a twenty-first, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT21_ACCURACY_FLOOR`] and [`HELDOUT21_HEALTHY_MISSES_CEILING`]; it
//! has since been read while changing the engine and is a development set
//! now.
//! `tests/incidents-heldout-22/` is a twenty-second, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT22_ACCURACY_FLOOR`] and [`HELDOUT22_HEALTHY_MISSES_CEILING`]; it
//! has since been read while changing the engine and is a development set
//! now.
//! `tests/incidents-heldout-23/` is a twenty-third, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT23_ACCURACY_FLOOR`] and [`HELDOUT23_HEALTHY_MISSES_CEILING`]; it
//! has since been read while changing the engine and is a development set
//! now.
//! `tests/incidents-heldout-24/` is a twenty-fourth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT24_ACCURACY_FLOOR`] and [`HELDOUT24_HEALTHY_MISSES_CEILING`]; it
//! has since been read while changing the engine and is a development set
//! now.
//! `tests/incidents-heldout-25/` is a twenty-fifth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT25_ACCURACY_FLOOR`] and [`HELDOUT25_HEALTHY_MISSES_CEILING`]; it
//! has since been read while changing the engine and is a development set
//! now.
//! `tests/incidents-heldout-27/` is a twenty-seventh, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT27_ACCURACY_FLOOR`] and [`HELDOUT27_HEALTHY_MISSES_CEILING`]; it
//! has since been read while changing the engine and is a development set
//! now.
//! `tests/incidents-heldout-26/` is a twenty-sixth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT26_ACCURACY_FLOOR`] and [`HELDOUT26_HEALTHY_MISSES_CEILING`]; it
//! has since been read while changing the engine and is a development set
//! now.
//! `tests/incidents-heldout-29/` is a twenty-ninth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT29_ACCURACY_FLOOR`] and [`HELDOUT29_HEALTHY_MISSES_CEILING`]; it
//! has since been read while changing the engine and is a development set
//! now.
//! `tests/incidents-heldout-28/` is a twenty-eighth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT28_ACCURACY_FLOOR`] and [`HELDOUT28_HEALTHY_MISSES_CEILING`]; it
//! has since been read while changing the engine and is a development set
//! now.
//! `tests/incidents-heldout-31/` is a thirty-first, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT31_ACCURACY_FLOOR`] and [`HELDOUT31_HEALTHY_MISSES_CEILING`]; it
//! has since been read while changing the engine and is a development set
//! now.
//! `tests/incidents-heldout-30/` is a thirtieth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT30_ACCURACY_FLOOR`] and [`HELDOUT30_HEALTHY_MISSES_CEILING`]; it
//! has since been read while changing the engine and is a development set
//! now.
//! `tests/incidents-heldout-32/` is a thirty-second, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT32_ACCURACY_FLOOR`] and [`HELDOUT32_HEALTHY_MISSES_CEILING`]; it
//! has since been read while changing the engine and is a development set
//! now.
//! `tests/incidents-heldout-33/` is a thirty-third, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT33_ACCURACY_FLOOR`] and [`HELDOUT33_HEALTHY_MISSES_CEILING`]; it
//! has since been read while changing the engine and is a development set
//! now.
//! `tests/incidents-heldout-35/` is a thirty-fifth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT35_ACCURACY_FLOOR`] and [`HELDOUT35_HEALTHY_MISSES_CEILING`]; it
//! has since been read while changing the engine and is a development set
//! now.
//! `tests/incidents-heldout-34/` is a thirty-fourth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT34_ACCURACY_FLOOR`] and [`HELDOUT34_HEALTHY_MISSES_CEILING`]; it
//! has since been read while changing the engine and is a development set
//! now.
//! `tests/incidents-heldout-36/` is a thirty-sixth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT36_ACCURACY_FLOOR`] and [`HELDOUT36_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-37/` is a thirty-seventh, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT37_ACCURACY_FLOOR`] and [`HELDOUT37_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-38/` is a thirty-eighth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT38_ACCURACY_FLOOR`] and [`HELDOUT38_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-39/` is a thirty-ninth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT39_ACCURACY_FLOOR`] and [`HELDOUT39_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-40/` is a fortieth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT40_ACCURACY_FLOOR`] and [`HELDOUT40_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-41/` is a forty-first, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT41_ACCURACY_FLOOR`] and [`HELDOUT41_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-42/` is a forty-second, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT42_ACCURACY_FLOOR`] and [`HELDOUT42_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-43/` is a forty-third, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT43_ACCURACY_FLOOR`] and [`HELDOUT43_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-44/` is a forty-fourth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT44_ACCURACY_FLOOR`] and [`HELDOUT44_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-45/` is a forty-fifth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT45_ACCURACY_FLOOR`] and [`HELDOUT45_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-46/` is a forty-sixth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT46_ACCURACY_FLOOR`] and [`HELDOUT46_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-47/` is a forty-seventh, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT47_ACCURACY_FLOOR`] and [`HELDOUT47_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-48/` is a forty-eighth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT48_ACCURACY_FLOOR`] and [`HELDOUT48_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-49/` is a forty-ninth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT49_ACCURACY_FLOOR`] and [`HELDOUT49_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-50/` is a fiftieth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT50_ACCURACY_FLOOR`] and [`HELDOUT50_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-51/` is a fifty-first, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT51_ACCURACY_FLOOR`] and [`HELDOUT51_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-52/` is a fifty-second, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT52_ACCURACY_FLOOR`] and [`HELDOUT52_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-53/` is a fifty-third, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT53_ACCURACY_FLOOR`] and [`HELDOUT53_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-55/` is a fifty-fifth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT55_ACCURACY_FLOOR`] and [`HELDOUT55_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-54/` is a fifty-fourth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT54_ACCURACY_FLOOR`] and [`HELDOUT54_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-56/` is a fifty-sixth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT56_ACCURACY_FLOOR`] and [`HELDOUT56_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-57/` is a fifty-seventh, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT57_ACCURACY_FLOOR`] and [`HELDOUT57_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-59/` is a fifty-ninth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT59_ACCURACY_FLOOR`] and [`HELDOUT59_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-58/` is a fifty-eighth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT58_ACCURACY_FLOOR`] and [`HELDOUT58_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-60/` is a sixtieth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT60_ACCURACY_FLOOR`] and [`HELDOUT60_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-61/` is a sixty-first, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT61_ACCURACY_FLOOR`] and [`HELDOUT61_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-62/` is a sixty-second, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT62_ACCURACY_FLOOR`] and [`HELDOUT62_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-63/` is a sixty-third, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT63_ACCURACY_FLOOR`] and [`HELDOUT63_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-64/` is a sixty-fourth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT64_ACCURACY_FLOOR`] and [`HELDOUT64_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-65/` is a sixty-fifth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT65_ACCURACY_FLOOR`] and [`HELDOUT65_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-66/` is a sixty-sixth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT66_ACCURACY_FLOOR`] and [`HELDOUT66_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-67/` is a sixty-seventh, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT67_ACCURACY_FLOOR`] and [`HELDOUT67_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-68/` is a sixty-eighth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT68_ACCURACY_FLOOR`] and [`HELDOUT68_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-69/` is a sixty-ninth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT69_ACCURACY_FLOOR`] and [`HELDOUT69_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-70/` is a seventieth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT70_ACCURACY_FLOOR`] and [`HELDOUT70_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-71/` is a seventy-first, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT71_ACCURACY_FLOOR`] and [`HELDOUT71_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-72/` is a seventy-second, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT72_ACCURACY_FLOOR`] and [`HELDOUT72_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-73/` is a seventy-third, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT73_ACCURACY_FLOOR`] and [`HELDOUT73_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-74/` is a seventy-fourth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT74_ACCURACY_FLOOR`] and [`HELDOUT74_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-75/` is a seventy-fifth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT75_ACCURACY_FLOOR`] and [`HELDOUT75_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-76/` is a seventy-sixth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT76_ACCURACY_FLOOR`] and [`HELDOUT76_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-77/` is a seventy-seventh, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT77_ACCURACY_FLOOR`] and [`HELDOUT77_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-78/` is a seventy-eighth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT78_ACCURACY_FLOOR`] and [`HELDOUT78_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-79/` is a seventy-ninth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT79_ACCURACY_FLOOR`] and [`HELDOUT79_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-80/` is a eightieth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT80_ACCURACY_FLOOR`] and [`HELDOUT80_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-81/` is a eighty-first, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT81_ACCURACY_FLOOR`] and [`HELDOUT81_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-82/` is an eighty-second, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT82_ACCURACY_FLOOR`] and [`HELDOUT82_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-83/` is an eighty-third, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT83_ACCURACY_FLOOR`] and [`HELDOUT83_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-84/` is an eighty-fourth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT84_ACCURACY_FLOOR`] and [`HELDOUT84_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-85/` is an eighty-fifth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT85_ACCURACY_FLOOR`] and [`HELDOUT85_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-86/` is an eighty-sixth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT86_ACCURACY_FLOOR`] and [`HELDOUT86_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-87/` is an eighty-seventh, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT87_ACCURACY_FLOOR`] and [`HELDOUT87_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-88/` is an eighty-eighth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT88_ACCURACY_FLOOR`] and [`HELDOUT88_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-89/` is an eighty-ninth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT89_ACCURACY_FLOOR`] and [`HELDOUT89_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-90/` is a ninetieth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT90_ACCURACY_FLOOR`] and [`HELDOUT90_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-91/` is a ninety-first, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT91_ACCURACY_FLOOR`] and [`HELDOUT91_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-92/` is a ninety-second, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT92_ACCURACY_FLOOR`] and [`HELDOUT92_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-93/` is a ninety-third, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT93_ACCURACY_FLOOR`] and [`HELDOUT93_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-94/` is a ninety-fourth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT94_ACCURACY_FLOOR`] and [`HELDOUT94_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-95/` is a ninety-fifth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT95_ACCURACY_FLOOR`] and [`HELDOUT95_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-96/` is a ninety-sixth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT96_ACCURACY_FLOOR`] and [`HELDOUT96_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-97/` is a ninety-seventh, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT97_ACCURACY_FLOOR`] and [`HELDOUT97_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-98/` is a ninety-eighth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT98_ACCURACY_FLOOR`] and [`HELDOUT98_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-99/` is a ninety-ninth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT99_ACCURACY_FLOOR`] and [`HELDOUT99_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-100/` is a hundredth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT100_ACCURACY_FLOOR`] and [`HELDOUT100_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-101/` is a hundred-and-first, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT101_ACCURACY_FLOOR`] and [`HELDOUT101_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-102/` is a hundred-and-second, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT102_ACCURACY_FLOOR`] and [`HELDOUT102_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-103/` is a hundred-and-third, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT103_ACCURACY_FLOOR`] and [`HELDOUT103_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-104/` is a hundred-and-fourth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT104_ACCURACY_FLOOR`] and [`HELDOUT104_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-105/` is a hundred-and-fifth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT105_ACCURACY_FLOOR`] and [`HELDOUT105_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-106/` is a hundred-and-sixth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT106_ACCURACY_FLOOR`] and [`HELDOUT106_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-107/` is a hundred-and-seventh, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT107_ACCURACY_FLOOR`] and [`HELDOUT107_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-108/` is a hundred-and-eighth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT108_ACCURACY_FLOOR`] and [`HELDOUT108_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-109/` is a hundred-and-ninth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT109_ACCURACY_FLOOR`] and [`HELDOUT109_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-110/` is a hundred-and-tenth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT110_ACCURACY_FLOOR`] and [`HELDOUT110_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-111/` is a hundred-and-eleventh, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT111_ACCURACY_FLOOR`] and [`HELDOUT111_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-112/` is a hundred-and-twelfth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT112_ACCURACY_FLOOR`] and [`HELDOUT112_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-113/` is a hundred-and-thirteenth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT113_ACCURACY_FLOOR`] and [`HELDOUT113_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-114/` is a hundred-and-fourteenth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT114_ACCURACY_FLOOR`] and [`HELDOUT114_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-115/` is a hundred-and-fifteenth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT115_ACCURACY_FLOOR`] and [`HELDOUT115_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-116/` is a hundred-and-sixteenth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT116_ACCURACY_FLOOR`] and [`HELDOUT116_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-117/` is a hundred-and-seventeenth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT117_ACCURACY_FLOOR`] and [`HELDOUT117_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-118/` is a hundred-and-eighteenth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT118_ACCURACY_FLOOR`] and [`HELDOUT118_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-119/` is a hundred-and-nineteenth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT119_ACCURACY_FLOOR`] and [`HELDOUT119_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-120/` is a hundred-and-twentieth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT120_ACCURACY_FLOOR`] and [`HELDOUT120_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-121/` is a hundred-and-twenty-first, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT121_ACCURACY_FLOOR`] and [`HELDOUT121_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-122/` is a hundred-and-twenty-second, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT122_ACCURACY_FLOOR`] and [`HELDOUT122_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-123/` is a hundred-and-twenty-third, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT123_ACCURACY_FLOOR`] and [`HELDOUT123_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-124/` is a hundred-and-twenty-fourth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT124_ACCURACY_FLOOR`] and [`HELDOUT124_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-125/` is a hundred-and-twenty-fifth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT125_ACCURACY_FLOOR`] and [`HELDOUT125_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-126/` is a hundred-and-twenty-sixth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT126_ACCURACY_FLOOR`] and [`HELDOUT126_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-127/` is a hundred-and-twenty-seventh, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT127_ACCURACY_FLOOR`] and [`HELDOUT127_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-128/` is a hundred-and-twenty-eighth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT128_ACCURACY_FLOOR`] and [`HELDOUT128_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-129/` is a hundred-and-twenty-ninth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT129_ACCURACY_FLOOR`] and [`HELDOUT129_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-130/` is a hundred-and-thirtieth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT130_ACCURACY_FLOOR`] and [`HELDOUT130_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-131/` is a hundred-and-thirty-first, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT131_ACCURACY_FLOOR`] and [`HELDOUT131_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-132/` is a hundred-and-thirty-second, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT132_ACCURACY_FLOOR`] and [`HELDOUT132_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-133/` is a hundred-and-thirty-third, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT133_ACCURACY_FLOOR`] and [`HELDOUT133_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-134/` is a hundred-and-thirty-fourth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT134_ACCURACY_FLOOR`] and [`HELDOUT134_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-135/` is a hundred-and-thirty-fifth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT135_ACCURACY_FLOOR`] and [`HELDOUT135_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-136/` is a hundred-and-thirty-sixth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT136_ACCURACY_FLOOR`] and [`HELDOUT136_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-137/` is a hundred-and-thirty-seventh, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT137_ACCURACY_FLOOR`] and [`HELDOUT137_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-138/` is a hundred-and-thirty-eighth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT138_ACCURACY_FLOOR`] and [`HELDOUT138_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-139/` is a hundred-and-thirty-ninth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT139_ACCURACY_FLOOR`] and [`HELDOUT139_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-140/` is a hundred-and-fortieth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT140_ACCURACY_FLOOR`] and [`HELDOUT140_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-141/` is a hundred-and-forty-first, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT141_ACCURACY_FLOOR`] and [`HELDOUT141_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-142/` is a hundred-and-forty-second, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT142_ACCURACY_FLOOR`] and [`HELDOUT142_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-143/` is a hundred-and-forty-third, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT143_ACCURACY_FLOOR`] and [`HELDOUT143_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-144/` is a hundred-and-forty-fourth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT144_ACCURACY_FLOOR`] and [`HELDOUT144_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-145/` is a hundred-and-forty-fifth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT145_ACCURACY_FLOOR`] and [`HELDOUT145_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-146/` is a hundred-and-forty-sixth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT146_ACCURACY_FLOOR`] and [`HELDOUT146_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-147/` is a hundred-and-forty-seventh, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT147_ACCURACY_FLOOR`] and [`HELDOUT147_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-148/` is a hundred-and-forty-eighth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT148_ACCURACY_FLOOR`] and [`HELDOUT148_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-149/` is a hundred-and-forty-ninth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT149_ACCURACY_FLOOR`] and [`HELDOUT149_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-150/` is a hundred-and-fiftieth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT150_ACCURACY_FLOOR`] and [`HELDOUT150_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-151/` is a hundred-and-fifty-first, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT151_ACCURACY_FLOOR`] and [`HELDOUT151_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-152/` is a hundred-and-fifty-second, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT152_ACCURACY_FLOOR`] and [`HELDOUT152_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-153/` is a hundred-and-fifty-third, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT153_ACCURACY_FLOOR`] and [`HELDOUT153_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-154/` is a hundred-and-fifty-fourth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT154_ACCURACY_FLOOR`] and [`HELDOUT154_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-155/` is a hundred-and-fifty-fifth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT155_ACCURACY_FLOOR`] and [`HELDOUT155_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-156/` is a hundred-and-fifty-sixth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT156_ACCURACY_FLOOR`] and [`HELDOUT156_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-157/` is a hundred-and-fifty-seventh, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT157_ACCURACY_FLOOR`] and [`HELDOUT157_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-158/` is a hundred-and-fifty-eighth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT158_ACCURACY_FLOOR`] and [`HELDOUT158_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-159/` is a hundred-and-fifty-ninth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT159_ACCURACY_FLOOR`] and [`HELDOUT159_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-160/` is a hundred-and-sixtieth, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT160_ACCURACY_FLOOR`] and [`HELDOUT160_HEALTHY_MISSES_CEILING`].
//! `tests/incidents-heldout-161/` is a hundred-and-sixty-first, written the same way
//! from threads none of the other sets cites, against
//! [`HELDOUT161_ACCURACY_FLOOR`] and [`HELDOUT161_HEALTHY_MISSES_CEILING`].

#![allow(clippy::expect_used, clippy::unwrap_used)]

use day2_model::Cluster;
use day2_rules::{Config, Context};
use day2_sources::{Input, LoadOptions};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Share of incidents diagnosed fully right (symptom, root loop, root object,
/// fix words; healthy clusters: no diagnosis). Measured when the corpus was
/// written: 23 of 70 (32.9%); with error text followed into the network
/// and identity loops and the controller, start-up, eviction, LoadBalancer,
/// Job and HPA symptoms: 72 of 73 (98.6%); with probe failures traced to the
/// probe's port: 73 of 73. It only goes up as the engine improves;
/// the target is 0.90.
const ACCURACY_FLOOR: f64 = 1.00;

/// Healthy clusters that get a diagnosis today. Only goes down.
const HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the held-out incidents (`tests/incidents-heldout/`) fully right,
/// as measured when they were written: 9 of 20 (45.0%) by the engine of
/// that day, 14 of 20 (70.0%) once the controller, start-up, eviction,
/// LoadBalancer, Job and HPA symptoms (written without these incidents)
/// joined it; 16 of 20 (80.0%) since trouble that is over stopped being an
/// incident (902, which therefore no longer counts as held out); 19 of 20
/// (95.0%) since the mechanisms built while reading the fourth set, with
/// these misses in view too (002, 010 and 030, which no longer count as
/// held out either); 20 of 20 (100.0%) since the round on the sixth set
/// (a volume made long before its pod is the root, not its class's
/// binding: 162, which no longer counts as held out). A regression guard,
/// not a target: the engine is not changed to pass them. 19 of 20 (95.0%)
/// since a Secret read through env counts as the pod's configuration
/// (compute) rather than identity: 061 expects identity, as did this set's
/// writer and the corpus's first convention, while most independent
/// held-out expectations say compute (the change gained 24 held-out
/// incidents across the sets and lost this one).
const HELDOUT_ACCURACY_FLOOR: f64 = 0.95;

/// Held-out healthy clusters that get a diagnosis today (none). Only goes down.
const HELDOUT_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the second held-out set (`tests/incidents-heldout-2/`) fully
/// right: 8 of 20 (40.0%) when it was written, 20 of 20 since the engine
/// was changed while reading it. It is a development set now, so this is a
/// regression guard, no longer a measure of generalisation.
///
/// 19 of 20 since the round of sets 130 to 133: its `003` calls a webhook
/// the control plane's firewall cannot reach a network cause in the
/// cluster, where seven later sets (20, 28, 81, 89, 114, 132, 133) call the
/// same shape (pods Ready, no NetworkPolicy in front of them, the call
/// timing out) unexplained, its cause being outside the cluster. The engine
/// now says unexplained, with the port to open.
const HELDOUT2_ACCURACY_FLOOR: f64 = 0.95;

/// Healthy clusters of the second held-out set that get a diagnosis today
/// (none of its two). Only goes down.
const HELDOUT2_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the third held-out set (`tests/incidents-heldout-3/`) fully
/// right: 7 of 20 (35.0%) when it was written; 15 of 20 (75.0%) since it
/// became a development set (general mechanisms built with its misses in
/// view, see docs/diagnosis-corpus.md); 18 of 20 (90.0%) since the round
/// on the fourth set (a bridge left with an earlier address, a server bound
/// to loopback behind probes on the pod IP, an extended resource no node
/// advertises); 19 of 20 (95.0%) since the twenty-sixth set's round (an
/// Ingress of a load-balancer-building class without its address); 20 of
/// 20 since the thirty-seventh set's round (a rolling update over its own
/// required anti-affinity). Only goes up.
const HELDOUT3_ACCURACY_FLOOR: f64 = 1.0;

/// Healthy clusters of the third held-out set that get a diagnosis today
/// (none of its two). Only goes down.
const HELDOUT3_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the fourth held-out set (`tests/incidents-heldout-4/`) fully
/// right, as measured when it was written: 6 of 20 (30.0%); 7 of 20 since
/// trouble that is over stopped being an incident (900); 18 of 20 (90.0%)
/// since it became a development set (general mechanisms built with its
/// misses in view, see docs/diagnosis-corpus.md); 19 of 20 (95.0%) since
/// the twenty-sixth set's round (ACR refusing the kubelet identity is
/// outside the cluster, 022). Only goes up.
const HELDOUT4_ACCURACY_FLOOR: f64 = 0.95;

/// Healthy clusters of the fourth held-out set that get a diagnosis today
/// (none). Only goes down.
const HELDOUT4_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the fifth held-out set (`tests/incidents-heldout-5/`) fully
/// right, as measured when it was written: 10 of 20 (50.0%); 18 of 20
/// (90.0%) since it became a development set (general mechanisms built with
/// its misses in view, see docs/diagnosis-corpus.md). Only goes up, with one
/// exception: the self-hosted webhook deadlock (004) is filed under identity
/// since the forty-seventh set's round, as three other writers of that
/// shape expected, where this one expected network or compute; 17 of 20.
const HELDOUT5_ACCURACY_FLOOR: f64 = 0.85;

/// Healthy clusters of the fifth held-out set that get a diagnosis today
/// (none of its two). Only goes down.
const HELDOUT5_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the sixth held-out set (`tests/incidents-heldout-6/`) fully
/// right, as measured when it was written: 10 of 20 (50.0%); 20 of 20
/// (100.0%) since it became a development set (general mechanisms built
/// with its misses in view, see docs/diagnosis-corpus.md). Only goes up.
const HELDOUT6_ACCURACY_FLOOR: f64 = 1.00;

/// Healthy clusters of the sixth held-out set that get a diagnosis today
/// (none of its two). Only goes down.
const HELDOUT6_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the seventh held-out set (`tests/incidents-heldout-7/`) fully
/// right, as measured when it was written: 8 of 20 (40.0%); 20 of 20
/// (100.0%) since it became a development set (general mechanisms built
/// with its misses in view, see docs/diagnosis-corpus.md). Only goes up.
const HELDOUT7_ACCURACY_FLOOR: f64 = 1.00;

/// Healthy clusters of the seventh held-out set that get a diagnosis today
/// (none of its two). Only goes down.
const HELDOUT7_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the eighth held-out set (`tests/incidents-heldout-8/`) fully
/// right, as measured when it was written: 11 of 20 (55.0%), and again
/// after the seventh set's round (the same eleven); 18 of 20 (90.0%) since
/// it became a development set (general mechanisms built with its misses
/// in view, see docs/diagnosis-corpus.md); 19 of 20 since the
/// thirty-seventh set's round (an ingress-nginx controller on its default
/// class). Only goes up.
const HELDOUT8_ACCURACY_FLOOR: f64 = 0.95;

/// Healthy clusters of the eighth held-out set that get a diagnosis today
/// (none of its two). Only goes down.
const HELDOUT8_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the ninth held-out set (`tests/incidents-heldout-9/`) fully
/// right. Blind it scored 13 of 20 (65.0%) on the engine before the eighth
/// set's round and after it (the same thirteen); it has been read since,
/// and its round took it to 19 of 20. Only goes up.
const HELDOUT9_ACCURACY_FLOOR: f64 = 0.95;

/// Healthy clusters of the ninth held-out set that get a diagnosis today
/// (none of its two). Only goes down.
const HELDOUT9_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the tenth held-out set (`tests/incidents-heldout-10/`) fully
/// right. Blind it scored 5 of 20 (25.0%) on the engine before the ninth
/// set's round and after it (the same five); it has been read since, and
/// its round took it to 18 of 20, and a later round to 19 (a kubelet that
/// went silent a year after its node joined). Only goes up.
const HELDOUT10_ACCURACY_FLOOR: f64 = 0.95;

/// Share of the eleventh held-out set (`tests/incidents-heldout-11/`) fully
/// right, as measured when it was written: 18 of 20 (90.0%) on the engine
/// of 3b34f19, before the ninth and tenth sets' rounds, and after each (the
/// same eighteen). A regression guard, not a target: the engine is not
/// changed to make these incidents pass. A later round, on general rules (a
/// request of most of a node, a fresh node the VPC CNI gives no address),
/// took it to 20 of 20.
const HELDOUT11_ACCURACY_FLOOR: f64 = 1.0;

/// Healthy clusters of the eleventh held-out set that get a diagnosis
/// today (none of its two). Only goes down.
const HELDOUT11_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the twelfth held-out set (`tests/incidents-heldout-12/`) fully
/// right. Blind it scored 14 of 20 (70.0%) on the engine of 450a91d and on
/// the commit after it (the same fourteen); it has been read since, and its
/// round took it to 19 of 20. 20 of 20 since a missing Secret's loop
/// follows what reads it and the round of the eighty-second and
/// eighty-third sets. Only goes up.
const HELDOUT12_ACCURACY_FLOOR: f64 = 1.000;

/// Healthy clusters of the twelfth held-out set that get a diagnosis today
/// (none of its two). Only goes down.
const HELDOUT12_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the thirteenth held-out set (`tests/incidents-heldout-13/`)
/// fully right. Blind it scored 11 of 20 (55.0%) on the engine of cf413c4;
/// it has been read since, and its round took it to 19 of 20. Only goes up,
/// with one exception: when the engine learnt the API server's plural
/// spelling (`secrets "x" not found`), 111 was read as a missing Secret
/// (identity, as the engine files every missing Secret) where its writer
/// expects compute, the writers' conflict `docs/diagnosis-corpus.md` notes;
/// 18 of 20 since. 19 of 20 since a missing Secret's loop follows what
/// reads it and the round of the eighty-second and eighty-third sets.
const HELDOUT13_ACCURACY_FLOOR: f64 = 0.950;

/// Healthy clusters of the thirteenth held-out set that get a diagnosis
/// today (none of its two). Only goes down.
const HELDOUT13_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the fourteenth held-out set (`tests/incidents-heldout-14/`)
/// fully right. Blind it scored 18 of 20 (90.0%) on the engine of cefae50
/// (after the thirteenth set's round); it has been read since, and its
/// round took it to 20 of 20. Only goes up.
const HELDOUT14_ACCURACY_FLOOR: f64 = 1.0;

/// Healthy clusters of the fourteenth held-out set that get a diagnosis
/// today (none of its two). Only goes down.
const HELDOUT14_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the fifteenth held-out set (`tests/incidents-heldout-15/`)
/// fully right. Blind it scored 14 of 20 (70.0%) on the engine of 99995fd
/// (after the fourteenth set's round); it has been read since, and its
/// round took it to 20 of 20. Only goes up.
const HELDOUT15_ACCURACY_FLOOR: f64 = 1.0;

/// Healthy clusters of the fifteenth held-out set that get a diagnosis
/// today (none of its two). Only goes down.
const HELDOUT15_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the sixteenth held-out set (`tests/incidents-heldout-16/`)
/// fully right. Blind it scored 12 of 20 (60.0%) on the engine of 60eea27
/// (after the fifteenth set's round); it has been read since, and its round
/// took it to 19 of 20. 20 of 20 since a missing Secret's loop follows what
/// reads it and the round of the eighty-second and eighty-third sets. Only
/// goes up.
const HELDOUT16_ACCURACY_FLOOR: f64 = 1.000;

/// Healthy clusters of the sixteenth held-out set that get a diagnosis
/// today (none of its two). Only goes down.
const HELDOUT16_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the seventeenth held-out set (`tests/incidents-heldout-17/`)
/// fully right. Blind it scored 14 of 20 (70.0%) on the engine of 70e2ddf
/// (after the sixteenth set's round); it has been read since, and its
/// round took it to 18 of 20, the rounds after to 20 of 20. Only goes up.
const HELDOUT17_ACCURACY_FLOOR: f64 = 1.0;

/// Healthy clusters of the seventeenth held-out set that get a diagnosis
/// today (none of its two). Only goes down.
const HELDOUT17_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the eighteenth held-out set (`tests/incidents-heldout-18/`)
/// fully right. Blind it scored 10 of 20 (50.0%) on the engine of f753cf0
/// (after the seventeenth set's round); it has been read since, and its
/// round took it to 15 of 20, the rounds after to 18 of 20. Only goes up.
const HELDOUT18_ACCURACY_FLOOR: f64 = 0.9;

/// Healthy clusters of the eighteenth held-out set that get a diagnosis
/// today (none of its two). Only goes down.
const HELDOUT18_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the nineteenth held-out set (`tests/incidents-heldout-19/`)
/// fully right. Blind it scored 11 of 22 (50.0%: 9 of its 20 incidents and
/// both healthy clusters) on the engine of 2db6171; it has been read
/// since, and its round took it to 18 of 22; 19 with the thirty-seventh
/// set's round (a Service's short name the program did not expand); 20
/// with the forty-seventh's (the self-hosted webhook deadlock filed under
/// identity). Only goes up.
const HELDOUT19_ACCURACY_FLOOR: f64 = 0.909;

/// Healthy clusters of the nineteenth held-out set that get a diagnosis
/// today (none of its two). Only goes down.
const HELDOUT19_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the twentieth held-out set (`tests/incidents-heldout-20/`)
/// fully right. Blind it scored 13 of 20 (65.0%: 11 of its 18 incidents and
/// both healthy clusters) on the engine of 7a0ef63; it has been read
/// since, and its round took it to 18 of 20.
/// 19 of 20 after the round of sets 130 to 133. Only goes up.
const HELDOUT20_ACCURACY_FLOOR: f64 = 0.95;

/// Healthy clusters of the twentieth held-out set that get a diagnosis
/// today (none of its two). Only goes down.
const HELDOUT20_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the twenty-first held-out set (`tests/incidents-heldout-21/`)
/// fully right. Blind it scored 10 of 16 (62.5%: 8 of its 14 incidents and
/// both healthy clusters) on the engine of 31f633e (after the twentieth
/// set's round); it has been read since, and its round took it to 15 of
/// 16. Only goes up.
const HELDOUT21_ACCURACY_FLOOR: f64 = 0.9375;

/// Healthy clusters of the twenty-first held-out set that get a diagnosis
/// today (none of its two). Only goes down.
const HELDOUT21_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the twenty-second held-out set (`tests/incidents-heldout-22/`)
/// fully right. Blind it scored 13 of 20 (65.0%: 11 of its 18 incidents and
/// both healthy clusters) on the engine of 09041d7 (after the twenty-first
/// set's round); it has been read since, and its round took it to 19 of
/// 20, and a later round to 20 (a Multi-Attach held by a lost node is the
/// attachment, storage). Only goes up.
const HELDOUT22_ACCURACY_FLOOR: f64 = 1.0;

/// Healthy clusters of the twenty-second held-out set that get a diagnosis
/// today (none of its two). Only goes down.
const HELDOUT22_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the twenty-third held-out set (`tests/incidents-heldout-23/`)
/// fully right. Blind it scored 13 of 18 (72.2%: 11 of its 16 incidents and
/// both healthy clusters) on the engine of 8a10511 (after the
/// twenty-second set's round); it has been read since, and its round took
/// it to 16 of 18. Only goes up.
const HELDOUT23_ACCURACY_FLOOR: f64 = 0.888;

/// Healthy clusters of the twenty-third held-out set that get a diagnosis
/// today (none of its two). Only goes down.
const HELDOUT23_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the twenty-fourth held-out set (`tests/incidents-heldout-24/`)
/// fully right. Blind it scored 12 of 18 (66.7%: 10 of its 16 incidents and
/// both healthy clusters) on the engine of c7cc393 (after the twenty-third
/// set's round); it has been read since, and its round took it to 16 of
/// 18; 17 with the thirty-seventh set's round (a Prometheus server's own
/// health paths). Only goes up.
const HELDOUT24_ACCURACY_FLOOR: f64 = 0.944;

/// Healthy clusters of the twenty-fourth held-out set that get a diagnosis
/// today (none of its two). Only goes down.
const HELDOUT24_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the twenty-fifth held-out set (`tests/incidents-heldout-25/`)
/// fully right. Blind it scored 11 of 16 (68.8%: 10 of its 14 incidents and
/// one of its two healthy clusters) on the engine of 9f2bc69 (after the
/// twenty-fourth set's round); it has been read since, and its round took
/// it to 13 of 16. Only goes up.
const HELDOUT25_ACCURACY_FLOOR: f64 = 0.812;

/// Healthy clusters of the twenty-fifth held-out set that get a diagnosis
/// today (none of its two; one, blind). Only goes down.
const HELDOUT25_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the twenty-sixth held-out set (`tests/incidents-heldout-26/`)
/// fully right. Blind it scored 11 of 18 (61.1%: 9 of its 16 incidents and
/// both healthy clusters) on the engine of bffb9c9 (after the
/// twenty-seventh set's round); it has been read since, and its round took
/// it to 18 of 18. Only goes up.
const HELDOUT26_ACCURACY_FLOOR: f64 = 1.0;

/// Healthy clusters of the twenty-sixth held-out set that get a diagnosis
/// today (none of its two). Only goes down.
const HELDOUT26_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the twenty-seventh held-out set (`tests/incidents-heldout-27/`)
/// fully right. Blind it scored 9 of 17 (52.9%: 8 of its 15 incidents and
/// one of its two healthy clusters) on the engine of 623e8db; it has been
/// read since, and its round took it to 12 of 17; 13 of 17 with the rounds
/// after. 14 of 17 since a missing Secret's loop follows what reads it and
/// the round of the eighty-second and eighty-third sets. Only goes up.
const HELDOUT27_ACCURACY_FLOOR: f64 = 0.823;

/// Healthy clusters of the twenty-seventh held-out set that get a diagnosis
/// today (none of its two; one, blind). Only goes down.
const HELDOUT27_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the twenty-eighth held-out set (`tests/incidents-heldout-28/`)
/// fully right. Blind it scored 10 of 18 (55.6%: 8 of its 16 incidents and
/// both healthy clusters) on the engine of a008cfe (after the
/// twenty-ninth set's round); it has been read since, and its round took
/// it to 16 of 18.
/// 17 of 18 after the round of sets 130 to 133. Only goes up.
const HELDOUT28_ACCURACY_FLOOR: f64 = 0.944;

/// Healthy clusters of the twenty-eighth held-out set that get a diagnosis
/// today (none of its two). Only goes down.
const HELDOUT28_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the twenty-ninth held-out set (`tests/incidents-heldout-29/`)
/// fully right. Blind it scored 11 of 18 (61.1%: 9 of its 16 incidents and
/// both healthy clusters) on the engine of 122a95d (after the twenty-sixth
/// set's round); it has been read since, and its round took it to 16 of 18.
/// 17 of 18 after the round of the ninety-sixth and ninety-seventh sets.
/// Only goes up.
const HELDOUT29_ACCURACY_FLOOR: f64 = 0.944;

/// Healthy clusters of the twenty-ninth held-out set that get a diagnosis
/// today (none of its two). Only goes down.
const HELDOUT29_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the thirtieth held-out set (`tests/incidents-heldout-30/`)
/// fully right. Blind it scored 10 of 18 (55.6%: 8 of its 16 incidents and
/// both healthy clusters) on the engine of 74f8702 (after the thirty-first
/// set's round); it has been read since, and its round took it to 16 of
/// 18; 17 with the thirty-seventh set's round (a CNI list without
/// cniVersion). Only goes up.
const HELDOUT30_ACCURACY_FLOOR: f64 = 0.944;

/// Healthy clusters of the thirtieth held-out set that get a diagnosis
/// today (none of its two). Only goes down.
const HELDOUT30_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the thirty-first held-out set (`tests/incidents-heldout-31/`)
/// fully right. Blind it scored 8 of 16 (50.0%: 6 of its 14 incidents and
/// both healthy clusters) on the engine of 78a5f18 (after the twenty-eighth
/// set's round); it has been read since, and its round took it to 14 of 16.
/// 15 of 16 since a missing Secret's loop follows what reads it and the
/// round of the eighty-second and eighty-third sets. Only goes up.
const HELDOUT31_ACCURACY_FLOOR: f64 = 0.937;

/// Healthy clusters of the thirty-first held-out set that get a diagnosis
/// today (none of its two). Only goes down.
const HELDOUT31_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the thirty-second held-out set (`tests/incidents-heldout-32/`)
/// fully right. Blind it scored 9 of 18 (50.0%: 8 of its 16 incidents and
/// one of its two healthy clusters) on the engine of 251c1ed (after the
/// thirtieth set's round); it has been read since, and its round took it to
/// 14 of 18; 15 with the thirty-seventh set's round (a cluster CIDR with
/// one block per node too few). 16 of 18 since a missing Secret's loop
/// follows what reads it and the round of the eighty-second and
/// eighty-third sets. 17 of 18 after the round of the
/// hundred-and-fourteenth to hundred-and-seventeenth sets. 18 of 18 since a
/// web-identity exchange that never reaches STS is read as a path (the
/// round of the hundred-and-forty-sixth to hundred-and-forty-ninth sets).
/// Only goes up.
const HELDOUT32_ACCURACY_FLOOR: f64 = 1.0;

/// Healthy clusters of the thirty-second held-out set that get a diagnosis
/// today (none of its two; one, blind). Only goes down.
const HELDOUT32_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the thirty-third held-out set (`tests/incidents-heldout-33/`)
/// fully right. Blind it scored 12 of 18 (66.7%: 10 of its 16 incidents and
/// both healthy clusters) on the engine of 251c1ed (after the thirtieth
/// set's round); it has been read since, and its round took it to 14 of 18;
/// the round of the fifty-ninth set to 15 (Bitnami's withdrawn public
/// images). 17 of 18 since a missing Secret's loop follows what reads it
/// and the round of the eighty-second and eighty-third sets. Only goes up.
const HELDOUT33_ACCURACY_FLOOR: f64 = 0.944;

/// Healthy clusters of the thirty-third held-out set that get a diagnosis
/// today (none of its two). Only goes down.
const HELDOUT33_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the thirty-fourth held-out set (`tests/incidents-heldout-34/`)
/// fully right. Blind it scored 9 of 18 (50.0%: 7 of its 16 incidents and
/// both healthy clusters) on the engine of d02c7cb (after the thirty-fifth
/// set's round); it has been read since, and its rounds took it to 11, then
/// 15 of 18. 16 of 18 since a crash's decisive line keeps the detail it
/// announces. Only goes up.
const HELDOUT34_ACCURACY_FLOOR: f64 = 0.888;

/// Healthy clusters of the thirty-fourth held-out set that get a diagnosis
/// today (none of its two). Only goes down.
const HELDOUT34_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the thirty-fifth held-out set (`tests/incidents-heldout-35/`)
/// fully right. Blind it scored 10 of 14 (71.4%: 8 of its 12 incidents and
/// both healthy clusters) on the engine of 5ea2138 (after the round of the
/// thirty-second and thirty-third sets); it has been read since, and its
/// rounds took it to 11, then 12 of 14. 13 of 14 since a missing Secret's
/// loop follows what reads it and the round of the eighty-second and
/// eighty-third sets. Only goes up.
const HELDOUT35_ACCURACY_FLOOR: f64 = 0.928;

/// Healthy clusters of the thirty-fifth held-out set that get a diagnosis
/// today (none of its two). Only goes down.
const HELDOUT35_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the thirty-sixth held-out set (`tests/incidents-heldout-36/`)
/// fully right. Blind it scored 9 of 14 (64.3%: 7 of its 12 incidents and
/// both healthy clusters) on the engine of a0b990c (after the second rounds
/// of the thirty-fourth and thirty-fifth sets); it has been read since,
/// and its round took it to 13 of 14. Only goes up.
const HELDOUT36_ACCURACY_FLOOR: f64 = 0.928;

/// Healthy clusters of the thirty-sixth held-out set that get a diagnosis
/// today (none of its two). Only goes down.
const HELDOUT36_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the thirty-seventh held-out set (`tests/incidents-heldout-37/`)
/// fully right. Blind it scored 15 of 18 (83.3%: 13 of its 16 incidents and
/// both healthy clusters) on the engine of a0b990c (after the second rounds
/// of the thirty-fourth and thirty-fifth sets); it has been read since, and
/// its round took it to 16 of 18. 17 of 18 since a missing Secret's loop
/// follows what reads it and the round of the eighty-second and
/// eighty-third sets. Only goes up.
const HELDOUT37_ACCURACY_FLOOR: f64 = 0.944;

/// Healthy clusters of the thirty-seventh held-out set that get a diagnosis
/// today (none of its two). Only goes down.
const HELDOUT37_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the thirty-eighth held-out set (`tests/incidents-heldout-38/`)
/// fully right. Blind it scored 11 of 16 (68.8%: 9 of its 14 incidents and
/// both healthy clusters) on the engine of dcf04f7 (after the round of the
/// thirty-sixth and thirty-seventh sets); it has been read since, and its
/// round took it to 12 of 16. 13 of 16 since a missing Secret's loop
/// follows what reads it and the round of the eighty-second and
/// eighty-third sets. Only goes up.
const HELDOUT38_ACCURACY_FLOOR: f64 = 0.812;

/// Healthy clusters of the thirty-eighth held-out set that get a diagnosis
/// today (none of its two). Only goes down.
const HELDOUT38_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the thirty-ninth held-out set (`tests/incidents-heldout-39/`)
/// fully right. Blind it scored 14 of 18 (77.8%: 12 of its 16 incidents and
/// both healthy clusters) on the engine of 1cc0f8d (after the thirty-eighth
/// set's round); it has been read since, and its round took it to 18 of
/// 18. Only goes up.
const HELDOUT39_ACCURACY_FLOOR: f64 = 1.0;

/// Healthy clusters of the thirty-ninth held-out set that get a diagnosis
/// today (none of its two). Only goes down.
const HELDOUT39_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the fortieth held-out set (`tests/incidents-heldout-40/`)
/// fully right. Blind it scored 13 of 16 (81.2%: 11 of its 14 incidents and
/// both healthy clusters) on the engine of 8105538 (after the thirty-ninth
/// set's round); it has been read since, and its round took it to 14 of
/// 16. Only goes up.
const HELDOUT40_ACCURACY_FLOOR: f64 = 0.875;

/// Healthy clusters of the fortieth held-out set that get a diagnosis
/// today (none of its two). Only goes down.
const HELDOUT40_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the forty-first held-out set (`tests/incidents-heldout-41/`)
/// fully right. Blind it scored 11 of 14 (78.6%: 9 of its 12 incidents and
/// both healthy clusters) on the engine of 8105538 (after the thirty-ninth
/// set's round); it has been read since, and its round took it to 12 of 14.
/// 13 of 14 since a missing Secret's loop follows what reads it and the
/// round of the eighty-second and eighty-third sets. Only goes up.
const HELDOUT41_ACCURACY_FLOOR: f64 = 0.928;

/// Healthy clusters of the forty-first held-out set that get a diagnosis
/// today (none of its two). Only goes down.
const HELDOUT41_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the forty-second held-out set (`tests/incidents-heldout-42/`)
/// fully right. Blind it scored 10 of 17 (58.8%: 8 of its 15 incidents and
/// both healthy clusters) on the engine of 034eca9 (after the round of the
/// fortieth and forty-first sets); it has been read since, and its round
/// took it to 11 of 17. 12 of 17 since a missing Secret's loop follows what
/// reads it and the round of the eighty-second and eighty-third sets. Only
/// goes up. 13 of 17 after the round of the hundredth and hundred-and-first
/// sets.
const HELDOUT42_ACCURACY_FLOOR: f64 = 0.764;

/// Healthy clusters of the forty-second held-out set that get a diagnosis
/// today (none of its two). Only goes down.
const HELDOUT42_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the forty-third held-out set (`tests/incidents-heldout-43/`)
/// fully right. Blind it scored 13 of 18 (72.2%: 11 of its 16 incidents and
/// both healthy clusters) on the engine of 034eca9 (after the round of the
/// fortieth and forty-first sets); it has been read since, and its round
/// took it to 15 of 18, the round of sets 52 to 55 to 16. 17 of 18 since a
/// missing Secret's loop follows what reads it and the round of the
/// eighty-second and eighty-third sets. Only goes up.
const HELDOUT43_ACCURACY_FLOOR: f64 = 0.944;

/// Healthy clusters of the forty-third held-out set that get a diagnosis
/// today (none of its two). Only goes down.
const HELDOUT43_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the forty-fourth held-out set (`tests/incidents-heldout-44/`)
/// fully right. Blind, on the engine of e4f5202: 10 of 16 (62.5%); read
/// since, and its round took it to 16 of 16. Only goes up.
const HELDOUT44_ACCURACY_FLOOR: f64 = 1.0;

/// Healthy clusters of the forty-fourth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT44_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the forty-fifth held-out set (`tests/incidents-heldout-45/`)
/// fully right. Blind, on the engine of e4f5202: 9 of 15 (60.0%); read
/// since, and its round took it to 14 of 15. 15 of 15 since a missing
/// Secret's loop follows what reads it and the round of the eighty-second
/// and eighty-third sets. Only goes up.
const HELDOUT45_ACCURACY_FLOOR: f64 = 1.000;

/// Healthy clusters of the forty-fifth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT45_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the forty-sixth held-out set (`tests/incidents-heldout-46/`)
/// fully right. Blind, on the engine of d860fb8: 6 of 16 (37.5%); read
/// since, and its round took it to 14 of 16, the round of sets 80 and 81 to
/// 15 of 16. 16 of 16 since a missing Secret's loop follows what reads it
/// and the round of the eighty-second and eighty-third sets. Only goes up.
const HELDOUT46_ACCURACY_FLOOR: f64 = 1.000;

/// Healthy clusters of the forty-sixth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT46_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the forty-seventh held-out set (`tests/incidents-heldout-47/`)
/// fully right. Blind, on the engine of d860fb8: 12 of 18 (66.7%); read
/// since, and its round took it to 18 of 18. Only goes up.
const HELDOUT47_ACCURACY_FLOOR: f64 = 1.0;

/// Healthy clusters of the forty-seventh held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT47_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the forty-eighth held-out set (`tests/incidents-heldout-48/`)
/// fully right. Blind, on the engine of d5cc48b: 9 of 15 (60.0%); read
/// since, and its round took it to 12 of 15, the round of sets 52 to 55 to
/// 13. 14 of 15 since a missing Secret's loop follows what reads it and the
/// round of the eighty-second and eighty-third sets. Only goes up.
const HELDOUT48_ACCURACY_FLOOR: f64 = 0.933;

/// Healthy clusters of the forty-eighth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT48_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the forty-ninth held-out set (`tests/incidents-heldout-49/`)
/// fully right. Blind, on the engine of d5cc48b: 6 of 16 (37.5%); read
/// since, and its round took it to 10 of 16; the round of sets 56 and 57
/// to 12 (a pod's workload now counts as the symptom's object, and Calico's
/// per-host block limit is read). Only goes up.
const HELDOUT49_ACCURACY_FLOOR: f64 = 0.75;

/// Healthy clusters of the forty-ninth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT49_HEALTHY_MISSES_CEILING: usize = 1;

/// Share of the fiftieth held-out set (`tests/incidents-heldout-50/`) fully
/// right. Blind, on the engine of 7f917f7: 9 of 14 (64.3%); read since, and
/// a short round took it to 10 of 14, the round of sets 52 to 55 to 12. 13
/// of 14 since a missing Secret's loop follows what reads it and the round
/// of the eighty-second and eighty-third sets. Only goes up.
const HELDOUT50_ACCURACY_FLOOR: f64 = 0.928;

/// Healthy clusters of the fiftieth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT50_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the fifty-first held-out set (`tests/incidents-heldout-51/`)
/// fully right. Blind, on the engine of 7f917f7: 14 of 17 (82.4%); read
/// since, and a short round took it to 16 of 17, the round of sets 52 to
/// 55 to 17. Only goes up.
const HELDOUT51_ACCURACY_FLOOR: f64 = 1.0;

/// Healthy clusters of the fifty-first held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT51_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the fifty-second held-out set (`tests/incidents-heldout-52/`)
/// fully right. Blind, on the engine of 5af38af: 5 of 15 (33.3%); read
/// since, and a round took it to 14 of 15. Only goes up.
const HELDOUT52_ACCURACY_FLOOR: f64 = 0.933;

/// Healthy clusters of the fifty-second held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT52_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the fifty-third held-out set (`tests/incidents-heldout-53/`)
/// fully right. Blind, on the engine of 5af38af: 6 of 14 (42.9%); read
/// since, and a round took it to 12 of 14, the next round to 13. Only goes
/// up. 14 of 14 since a missing Secret's loop follows what reads it and the
/// round of the eighty-second and eighty-third sets.
const HELDOUT53_ACCURACY_FLOOR: f64 = 1.000;

/// Healthy clusters of the fifty-third held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT53_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the fifty-fourth held-out set (`tests/incidents-heldout-54/`)
/// fully right. Blind, on the engine of 5af38af: 7 of 18 (38.9%); read
/// since, and a round took it to 13 of 18. 14 of 18 since a missing
/// Secret's loop follows what reads it and the round of the eighty-second
/// and eighty-third sets. Only goes up.
const HELDOUT54_ACCURACY_FLOOR: f64 = 0.777;

/// Healthy clusters of the fifty-fourth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT54_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the fifty-fifth held-out set (`tests/incidents-heldout-55/`)
/// fully right. Blind, on the engine of 5af38af: 13 of 18 (72.2%); read
/// since, and a round took it to 15 of 18. 16 of 18 since a missing
/// Secret's loop follows what reads it and the round of the eighty-second
/// and eighty-third sets. Only goes up.
const HELDOUT55_ACCURACY_FLOOR: f64 = 0.888;

/// Healthy clusters of the fifty-fifth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT55_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the fifty-sixth held-out set (`tests/incidents-heldout-56/`)
/// fully right. Blind, on the engine of 7d5f319: 12 of 16 (75%); read
/// since, and a round took it to 13 of 16, the round of sets 72 and 73 to
/// 14 of 16. 15 of 16 since Traefik's IngressRoutes are read as routes.
/// Only goes up.
const HELDOUT56_ACCURACY_FLOOR: f64 = 0.937;

/// Healthy clusters of the fifty-sixth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT56_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the fifty-seventh held-out set (`tests/incidents-heldout-57/`)
/// fully right. Blind, on the engine of 7d5f319: 9 of 14 (64.3%); read
/// since, and a round took it to 13 of 14. Only goes up.
const HELDOUT57_ACCURACY_FLOOR: f64 = 0.928;

/// Healthy clusters of the fifty-seventh held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT57_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the fifty-eighth held-out set (`tests/incidents-heldout-58/`)
/// fully right. Blind, on the engine of 66a179b: 9 of 14 (64.3%); read
/// since; the short round that followed reached none of its misses, the
/// round of the sixtieth set one (10 of 14). 11 of 14 since Traefik's
/// IngressRoutes are read as routes. 12 of 14 after reading the garbage
/// collector's refusal of an owner reference, the principal an AWS refusal
/// does not name, and a JSON or wrapped error's own words. Only goes up.
const HELDOUT58_ACCURACY_FLOOR: f64 = 0.857;

/// Healthy clusters of the fifty-eighth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT58_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the fifty-ninth held-out set (`tests/incidents-heldout-59/`)
/// fully right. Blind, on the engine of 66a179b: 9 of 14 (64.3%); read
/// since, and a short round took it to 13 of 14. Only goes up.
const HELDOUT59_ACCURACY_FLOOR: f64 = 0.928;

/// Healthy clusters of the fifty-ninth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT59_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the sixtieth held-out set (`tests/incidents-heldout-60/`)
/// fully right. Blind, on the engine of c68b4ab: 8 of 16 (50%); read
/// since, and a round took it to 16 of 16. Only goes up.
const HELDOUT60_ACCURACY_FLOOR: f64 = 1.0;

/// Healthy clusters of the sixtieth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT60_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the sixty-first held-out set (`tests/incidents-heldout-61/`)
/// fully right. Blind, on the engine of c68b4ab: 8 of 15 (53.3%); read
/// since, and a round took it to 14 of 15. 15 of 15 since a missing
/// Secret's loop follows what reads it and the round of the eighty-second
/// and eighty-third sets. Only goes up.
const HELDOUT61_ACCURACY_FLOOR: f64 = 1.000;

/// Healthy clusters of the sixty-first held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT61_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the sixty-second held-out set (`tests/incidents-heldout-62/`)
/// fully right. Blind, on the engine of c632af4: 9 of 14 (64.3%); read
/// since, and a round took it to 13 of 14. Only goes up.
const HELDOUT62_ACCURACY_FLOOR: f64 = 0.928;

/// Healthy clusters of the sixty-second held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT62_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the sixty-third held-out set (`tests/incidents-heldout-63/`)
/// fully right. Blind, on the engine of c632af4: 7 of 15 (46.7%); read
/// since, and a round took it to 14 of 15. Only goes up.
const HELDOUT63_ACCURACY_FLOOR: f64 = 0.933;

/// Healthy clusters of the sixty-third held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT63_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the sixty-fourth held-out set (`tests/incidents-heldout-64/`)
/// fully right. Blind, on the engine of c2552d6: 12 of 15 (80%); read
/// since, and a round took it to 15 of 15. Only goes up.
const HELDOUT64_ACCURACY_FLOOR: f64 = 1.0;

/// Healthy clusters of the sixty-fourth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT64_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the sixty-fifth held-out set (`tests/incidents-heldout-65/`)
/// fully right. Blind, on the engine of c2552d6: 8 of 14 (57.1%); read
/// since, and a round took it to 12 of 14. Only goes up.
const HELDOUT65_ACCURACY_FLOOR: f64 = 0.857;

/// Healthy clusters of the sixty-fifth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT65_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the sixty-sixth held-out set (`tests/incidents-heldout-66/`)
/// fully right. Blind, on the engine of 4f05366: 7 of 14 (50%); read
/// since, and a short round took it to 10 of 14. Only goes up.
const HELDOUT66_ACCURACY_FLOOR: f64 = 0.714;

/// Healthy clusters of the sixty-sixth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT66_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the sixty-seventh held-out set (`tests/incidents-heldout-67/`)
/// fully right. Blind, on the engine of 4f05366: 8 of 15 (53.3%); read
/// since, and a short round took it to 13 of 15. Only goes up.
const HELDOUT67_ACCURACY_FLOOR: f64 = 0.866;

/// Healthy clusters of the sixty-seventh held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT67_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the sixty-eighth held-out set (`tests/incidents-heldout-68/`)
/// fully right. Blind, on the engine of 18ab87e: 8 of 14 (57.1%); read
/// since, and a short round took it to 12 of 14. Only goes up.
const HELDOUT68_ACCURACY_FLOOR: f64 = 0.857;

/// Healthy clusters of the sixty-eighth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT68_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the sixty-ninth held-out set (`tests/incidents-heldout-69/`)
/// fully right. Blind, on the engine of 18ab87e: 10 of 14 (71.4%); read
/// since, and a short round took it to 13 of 14. Only goes up.
const HELDOUT69_ACCURACY_FLOOR: f64 = 0.928;

/// Healthy clusters of the sixty-ninth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT69_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the seventieth held-out set (`tests/incidents-heldout-70/`)
/// fully right. Blind, on the engine of d23958c: 10 of 14 (71.4%); read
/// since, and a short round took it to 12 of 14. Only goes up.
const HELDOUT70_ACCURACY_FLOOR: f64 = 0.857;

/// Healthy clusters of the seventieth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT70_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the seventy-first held-out set (`tests/incidents-heldout-71/`)
/// fully right. Blind, on the engine of d23958c: 9 of 15 (60%); read since,
/// and a short round took it to 10 of 15. 13 of 15 since a missing Secret's
/// loop follows what reads it and the round of the eighty-second and
/// eighty-third sets. Only goes up.
const HELDOUT71_ACCURACY_FLOOR: f64 = 0.866;

/// Healthy clusters of the seventy-first held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT71_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the seventy-second held-out set (`tests/incidents-heldout-72/`)
/// fully right. Blind, on the engine of f48a0d4: 7 of 14 (50%); read
/// since, and a round took it to 14 of 14. Only goes up.
const HELDOUT72_ACCURACY_FLOOR: f64 = 0.999;

/// Healthy clusters of the seventy-second held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT72_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the seventy-third held-out set (`tests/incidents-heldout-73/`)
/// fully right. Blind, on the engine of f48a0d4: 9 of 14 (64.3%); read
/// since, and a round took it to 13 of 14. Only goes up.
const HELDOUT73_ACCURACY_FLOOR: f64 = 0.928;

/// Healthy clusters of the seventy-third held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT73_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the seventy-fourth held-out set (`tests/incidents-heldout-74/`)
/// fully right. Blind, on the engine of a70ba08: 9 of 14 (64.3%); read
/// since, and a round took it to 13 of 14. Only goes up.
const HELDOUT74_ACCURACY_FLOOR: f64 = 0.928;

/// Healthy clusters of the seventy-fourth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT74_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the seventy-fifth held-out set (`tests/incidents-heldout-75/`)
/// fully right. Blind, on the engine of a70ba08: 6 of 15 (40%); read since,
/// and a round took it to 11 of 15. 12 of 15 after the round of the
/// ninety-sixth and ninety-seventh sets. Only goes up.
const HELDOUT75_ACCURACY_FLOOR: f64 = 0.800;

/// Healthy clusters of the seventy-fifth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT75_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the seventy-sixth held-out set (`tests/incidents-heldout-76/`)
/// fully right. Blind, on the engine of f109e17: 6 of 14 (42.9%); read
/// since, and a round took it to 12 of 14. Only goes up.
const HELDOUT76_ACCURACY_FLOOR: f64 = 0.857;

/// Healthy clusters of the seventy-sixth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT76_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the seventy-seventh held-out set (`tests/incidents-heldout-77/`)
/// fully right. Blind, on the engine of f109e17: 10 of 15 (66.7%); read
/// since, and a round took it to 14 of 15. Only goes up.
const HELDOUT77_ACCURACY_FLOOR: f64 = 0.933;

/// Healthy clusters of the seventy-seventh held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT77_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the seventy-eighth held-out set (`tests/incidents-heldout-78/`)
/// fully right. Blind, on the engine of 0d79981: 7 of 14 (50%); read since,
/// and a round took it to 10 of 14. 11 of 14 since a missing Secret's loop
/// follows what reads it and the round of the eighty-second and
/// eighty-third sets. Only goes up.
const HELDOUT78_ACCURACY_FLOOR: f64 = 0.785;

/// Healthy clusters of the seventy-eighth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT78_HEALTHY_MISSES_CEILING: usize = 1;

/// Share of the seventy-ninth held-out set (`tests/incidents-heldout-79/`)
/// fully right. Blind, on the engine of 0d79981: 11 of 15 (73.3%); read
/// since, and a round took it to 12 of 15. 13 of 15 since a missing
/// Secret's loop follows what reads it and the round of the eighty-second
/// and eighty-third sets. Only goes up.
const HELDOUT79_ACCURACY_FLOOR: f64 = 0.866;

/// Healthy clusters of the seventy-ninth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT79_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the eightieth held-out set (`tests/incidents-heldout-80/`)
/// fully right. Blind, on the engine of ba35d98: 3 of 14 (21.4%), 7 of 14
/// with its events' uids set to their objects'; read since, and a short
/// round took it to 10 of 14. Only goes up.
const HELDOUT80_ACCURACY_FLOOR: f64 = 0.714;

/// Healthy clusters of the eightieth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT80_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the eighty-first held-out set (`tests/incidents-heldout-81/`)
/// fully right. Blind, on the engine of ba35d98: 10 of 18 (55.6%); read
/// since, and a short round took it to 12 of 18.
/// 13 of 18 after the round of sets 130 to 133. Only goes up.
const HELDOUT81_ACCURACY_FLOOR: f64 = 0.722;

/// Healthy clusters of the eighty-first held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT81_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the eighty-second held-out set (`tests/incidents-heldout-82/`)
/// fully right. Blind, on the engine of 4b26fd4: 9 of 14 (64.3%). Only goes
/// up. 14 of 14 since a missing Secret's loop follows what reads it and the
/// round of the eighty-second and eighty-third sets.
const HELDOUT82_ACCURACY_FLOOR: f64 = 1.000;

/// Healthy clusters of the eighty-second held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT82_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the eighty-third held-out set (`tests/incidents-heldout-83/`)
/// fully right. Blind, on the engine of 4b26fd4: 8 of 14 (57.1%). Only goes
/// up. 12 of 14 since a missing Secret's loop follows what reads it and the
/// round of the eighty-second and eighty-third sets.
const HELDOUT83_ACCURACY_FLOOR: f64 = 0.857;

/// Healthy clusters of the eighty-third held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT83_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the eighty-fourth held-out set (`tests/incidents-heldout-84/`)
/// fully right. Blind, on the engine of 8f401c0 (after the round of the
/// eighty-second and eighty-third sets): 6 of 14 (42.9%). 8 of 14 after a
/// short round. 9 of 14 after ce0cec3 (a node-directory volume's owner). 10
/// of 14 after reading the garbage collector's refusal of an owner
/// reference, the principal an AWS refusal does not name, and a JSON or
/// wrapped error's own words. Only goes up.
const HELDOUT84_ACCURACY_FLOOR: f64 = 0.714;

/// Healthy clusters of the eighty-fourth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT84_HEALTHY_MISSES_CEILING: usize = 1;

/// Share of the eighty-fifth held-out set (`tests/incidents-heldout-85/`)
/// fully right. Blind, on the engine of 8f401c0 (after the round of the
/// eighty-second and eighty-third sets): 10 of 14 (71.4%). 12 of 14 after a
/// short round. 13 of 14 after quoting the provisioner's own reason in its
/// fix. 14 of 14 after a load balancer with no address pool in the input
/// was read (8b5d632). Only goes up.
const HELDOUT85_ACCURACY_FLOOR: f64 = 1.000;

/// Healthy clusters of the eighty-fifth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT85_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the eighty-sixth held-out set (`tests/incidents-heldout-86/`)
/// fully right. Blind, on the engine of f351c1c (after the short round of
/// the eighty-fourth and eighty-fifth sets): 3 of 7 (42.9%). 6 of 7 after
/// the round of the eighty-sixth to eighty-ninth sets. Only goes up.
const HELDOUT86_ACCURACY_FLOOR: f64 = 0.857;

/// Healthy clusters of the eighty-sixth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT86_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the eighty-seventh held-out set (`tests/incidents-heldout-87/`)
/// fully right. Blind, on the engine of f351c1c (after the short round of
/// the eighty-fourth and eighty-fifth sets): 7 of 14 (50.0%). 14 of 14
/// after the round of the eighty-sixth to eighty-ninth sets. Only goes up.
const HELDOUT87_ACCURACY_FLOOR: f64 = 1.000;

/// Healthy clusters of the eighty-seventh held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT87_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the eighty-eighth held-out set (`tests/incidents-heldout-88/`)
/// fully right. Blind, on the engine of a71a85d: 8 of 14. 12 of 14 after
/// the round of the eighty-sixth to ninety-first sets. Only goes up.
const HELDOUT88_ACCURACY_FLOOR: f64 = 0.857;

/// Healthy clusters of the eighty-eighth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT88_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the eighty-ninth held-out set (`tests/incidents-heldout-89/`)
/// fully right. Blind, on the engine of a71a85d: 7 of 14. 8 of 14 after the
/// round of the eighty-sixth to ninety-first sets. 9 of 14 after a cloud CSI
/// driver's nodes without providerID were read (ff5bfb9).
/// 10 of 14 after the round of sets 130 to 133. Only goes up.
const HELDOUT89_ACCURACY_FLOOR: f64 = 0.714;

/// Healthy clusters of the eighty-ninth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT89_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the ninetieth held-out set (`tests/incidents-heldout-90/`)
/// fully right. Blind, on the engine of a71a85d: 9 of 14. 11 of 14 after
/// the round of the eighty-sixth to ninety-first sets. Only goes up.
const HELDOUT90_ACCURACY_FLOOR: f64 = 0.785;

/// Healthy clusters of the ninetieth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT90_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the ninety-first held-out set (`tests/incidents-heldout-91/`)
/// fully right. Blind, on the engine of a71a85d: 3 of 13. 4 of 13 after the
/// round of the eighty-sixth to ninety-first sets. 5 of 13 after a Lustre
/// mount that gets no answer was read (ff5bfb9). Only goes up.
const HELDOUT91_ACCURACY_FLOOR: f64 = 0.384;

/// Healthy clusters of the ninety-first held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT91_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the ninety-second held-out set (`tests/incidents-heldout-92/`)
/// fully right. Blind, on the engine of 773028e: 10 of 14. Only goes up.
const HELDOUT92_ACCURACY_FLOOR: f64 = 0.714;

/// Healthy clusters of the ninety-second held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT92_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the ninety-third held-out set (`tests/incidents-heldout-93/`)
/// fully right. Blind, on the engine of 773028e: 11 of 14. Only goes up.
const HELDOUT93_ACCURACY_FLOOR: f64 = 0.785;

/// Healthy clusters of the ninety-third held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT93_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the ninety-fourth held-out set (`tests/incidents-heldout-94/`)
/// fully right. Blind, on the engine of 773028e: 2 of 12. 6 of 12 after the
/// round of the ninety-fourth and ninety-fifth sets. Only goes up.
const HELDOUT94_ACCURACY_FLOOR: f64 = 0.500;

/// Healthy clusters of the ninety-fourth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT94_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the ninety-fifth held-out set (`tests/incidents-heldout-95/`)
/// fully right. Blind, on the engine of 773028e: 4 of 14. 5 of 14 after the
/// round of the eighty-sixth to ninety-first sets. 8 of 14 after the round
/// of the ninety-fourth and ninety-fifth sets. 9 of 14 after reading the
/// garbage collector's refusal of an owner reference, the principal an AWS
/// refusal does not name, and a JSON or wrapped error's own words. Only
/// goes up.
const HELDOUT95_ACCURACY_FLOOR: f64 = 0.642;

/// Healthy clusters of the ninety-fifth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT95_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the ninety-sixth held-out set (`tests/incidents-heldout-96/`)
/// fully right. Blind, on the engine of feffaef: 10 of 14. 14 of 14 after
/// the round of the ninety-sixth and ninety-seventh sets. Only goes up.
const HELDOUT96_ACCURACY_FLOOR: f64 = 1.000;

/// Healthy clusters of the ninety-sixth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT96_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the ninety-seventh held-out set (`tests/incidents-heldout-97/`)
/// fully right. Blind, on the engine of feffaef: 7 of 14. 11 of 14 after
/// the round of the ninety-sixth and ninety-seventh sets. Only goes up.
const HELDOUT97_ACCURACY_FLOOR: f64 = 0.785;

/// Healthy clusters of the ninety-seventh held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT97_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the ninety-eighth held-out set (`tests/incidents-heldout-98/`)
/// fully right. Blind, on the engine of 666ddf3: 9 of 14. 12 of 14 after
/// the round of the ninety-eighth and ninety-ninth sets. 13 of 14 once
/// Antrea's empty CIDR is read as the node's missing podCIDR. Only goes up.
const HELDOUT98_ACCURACY_FLOOR: f64 = 0.928;

/// Healthy clusters of the ninety-eighth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT98_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the ninety-ninth held-out set (`tests/incidents-heldout-99/`)
/// fully right. Blind, on the engine of 666ddf3: 7 of 14. 10 of 14 after
/// the round of the ninety-eighth and ninety-ninth sets. Only goes up.
const HELDOUT99_ACCURACY_FLOOR: f64 = 0.714;

/// Healthy clusters of the ninety-ninth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT99_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundredth held-out set (`tests/incidents-heldout-100/`)
/// fully right. Blind, on the engine of da2d600: 9 of 14. 10 of 14 after
/// the round of the hundredth and hundred-and-first sets. Only goes up.
const HELDOUT100_ACCURACY_FLOOR: f64 = 0.714;

/// Healthy clusters of the hundredth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT100_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-first held-out set
/// (`tests/incidents-heldout-101/`) fully right. Blind, on the engine of
/// da2d600: 8 of 15. 11 of 15 after the round of the hundredth and
/// hundred-and-first sets. Only goes up.
const HELDOUT101_ACCURACY_FLOOR: f64 = 0.733;

/// Healthy clusters of the hundred-and-first held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT101_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-second held-out set
/// (`tests/incidents-heldout-102/`) fully right. Blind, on the engine of
/// 99ffde2: 6 of 12. 7 of 12 after the round of the hundred-and-second and
/// hundred-and-third sets. 8 of 12 after e3414a1 (a budget that never
/// allows an eviction). Only goes up.
const HELDOUT102_ACCURACY_FLOOR: f64 = 0.666;

/// Healthy clusters of the hundred-and-second held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT102_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-third held-out set
/// (`tests/incidents-heldout-103/`) fully right. Blind, on the engine of
/// 99ffde2: 7 of 14. 12 of 14 after the round of the hundred-and-second and
/// hundred-and-third sets. 13 of 14 once an informer on an unserved
/// resource is read as its missing CRDs. Only goes up.
const HELDOUT103_ACCURACY_FLOOR: f64 = 0.928;

/// Healthy clusters of the hundred-and-third held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT103_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-fourth held-out set
/// (`tests/incidents-heldout-104/`) fully right. Blind, on the engine of
/// eb558be: 12 of 13. 13 of 13 after the round of the hundred-and-fourth
/// and hundred-and-fifth sets. Only goes up.
const HELDOUT104_ACCURACY_FLOOR: f64 = 1.000;

/// Healthy clusters of the hundred-and-fourth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT104_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-fifth held-out set
/// (`tests/incidents-heldout-105/`) fully right. Blind, on the engine of
/// eb558be: 6 of 14. 9 of 14 after the round of the hundred-and-fourth and
/// hundred-and-fifth sets. 11 of 14 after reading the garbage collector's
/// refusal of an owner reference, the principal an AWS refusal does not
/// name, and a JSON or wrapped error's own words. Only goes up.
const HELDOUT105_ACCURACY_FLOOR: f64 = 0.785;

/// Healthy clusters of the hundred-and-fifth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT105_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-sixth held-out set
/// (`tests/incidents-heldout-106/`) fully right. Blind, on the engine of
/// ea50f09: 11 of 14. 14 of 14 after the round of the hundred-and-sixth
/// and hundred-and-seventh sets. Only goes up.
const HELDOUT106_ACCURACY_FLOOR: f64 = 1.000;

/// Healthy clusters of the hundred-and-sixth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT106_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-seventh held-out set
/// (`tests/incidents-heldout-107/`) fully right. Blind, on the engine of
/// ea50f09: 8 of 12. 9 of 12 after the round of the hundred-and-sixth and
/// hundred-and-seventh sets. Only goes up.
const HELDOUT107_ACCURACY_FLOOR: f64 = 0.750;

/// Healthy clusters of the hundred-and-seventh held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT107_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-eighth held-out set
/// (`tests/incidents-heldout-108/`) fully right. Blind, on the engine of
/// d906156: 9 of 14. 13 of 14 after the round of sets 108 and 109. Only
/// goes up.
const HELDOUT108_ACCURACY_FLOOR: f64 = 0.928;

/// Healthy clusters of the hundred-and-eighth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT108_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-ninth held-out set
/// (`tests/incidents-heldout-109/`) fully right. Blind, on the engine of
/// d906156: 8 of 14. 10 of 14 after the round of sets 108 and 109. Only
/// goes up.
const HELDOUT109_ACCURACY_FLOOR: f64 = 0.714;

/// Healthy clusters of the hundred-and-ninth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT109_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-tenth held-out set
/// (`tests/incidents-heldout-110/`) fully right. Blind, on the engine of
/// 0430ee9: 5 of 14. 9 of 14 after the round of sets 110 and 111, 10 after
/// the round of sets 142 to 145. Only goes up.
const HELDOUT110_ACCURACY_FLOOR: f64 = 0.714;

/// Healthy clusters of the hundred-and-tenth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT110_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-eleventh held-out set
/// (`tests/incidents-heldout-111/`) fully right. Blind, on the engine of
/// 0430ee9: 9 of 14. 10 of 14 after the round of sets 110 and 111, 11 of 14
/// once a run completed under the OOM killer is read, 12 of 14 once a
/// webhook refusing the pod network's agent is read. 13 of 14 after the
/// round of the hundred-and-fourteenth to hundred-and-seventeenth sets.
/// Only goes up.
const HELDOUT111_ACCURACY_FLOOR: f64 = 0.928;

/// Healthy clusters of the hundred-and-eleventh held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT111_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-twelfth held-out set
/// (`tests/incidents-heldout-112/`) fully right. Blind, on the engine of
/// cbaedb4: 4 of 14. 5 of 14 after the round of sets 112 and 113. Only goes
/// up. 6 of 14 after reading the garbage collector's refusal of an owner
/// reference, the principal an AWS refusal does not name, and a JSON or
/// wrapped error's own words.
const HELDOUT112_ACCURACY_FLOOR: f64 = 0.428;

/// Healthy clusters of the hundred-and-twelfth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT112_HEALTHY_MISSES_CEILING: usize = 1;

/// Share of the hundred-and-thirteenth held-out set
/// (`tests/incidents-heldout-113/`) fully right. Blind, on the engine of
/// cbaedb4: 7 of 13. 9 of 13 after the round of sets 112 and 113. Only goes
/// up. 10 of 13 after reading the garbage collector's refusal of an owner
/// reference, the principal an AWS refusal does not name, and a JSON or
/// wrapped error's own words.
const HELDOUT113_ACCURACY_FLOOR: f64 = 0.769;

/// Healthy clusters of the hundred-and-thirteenth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT113_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-fourteenth held-out set
/// (`tests/incidents-heldout-114/`) fully right. Blind, on the engine of
/// 0fdc3e5: 8 of 14. 11 of 14 after the round of the hundred-and-fourteenth
/// to hundred-and-seventeenth sets.
/// 12 of 14 after the round of sets 130 to 133. Only goes up.
const HELDOUT114_ACCURACY_FLOOR: f64 = 0.857;

/// Healthy clusters of the hundred-and-fourteenth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT114_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-fifteenth held-out set
/// (`tests/incidents-heldout-115/`) fully right. Blind, on the engine of
/// 0fdc3e5: 6 of 14. 9 of 14 after the round of the hundred-and-fourteenth
/// to hundred-and-seventeenth sets. 11 of 14 after the round of the
/// hundred-and-eighteenth to hundred-and-twenty-first sets. Only goes up.
const HELDOUT115_ACCURACY_FLOOR: f64 = 0.785;

/// Healthy clusters of the hundred-and-fifteenth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT115_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-sixteenth held-out set
/// (`tests/incidents-heldout-116/`) fully right. Blind, on the engine of
/// 0fdc3e5: 7 of 14. 11 of 14 after the round of the hundred-and-fourteenth
/// to hundred-and-seventeenth sets. 13 of 14 after the round of the
/// hundred-and-eighteenth to hundred-and-twenty-first sets. Only goes up.
const HELDOUT116_ACCURACY_FLOOR: f64 = 0.928;

/// Healthy clusters of the hundred-and-sixteenth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT116_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-seventeenth held-out set
/// (`tests/incidents-heldout-117/`) fully right. Blind, on the engine of
/// 0fdc3e5: 8 of 14. 13 of 14 after the round of the hundred-and-fourteenth
/// to hundred-and-seventeenth sets. Only goes up.
const HELDOUT117_ACCURACY_FLOOR: f64 = 0.928;

/// Healthy clusters of the hundred-and-seventeenth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT117_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-eighteenth held-out set
/// (`tests/incidents-heldout-118/`) fully right. Blind, on the engine of
/// 71b99ac: 6 of 14. 12 of 14 after the round of the hundred-and-eighteenth
/// to hundred-and-twenty-first sets. Only goes up.
const HELDOUT118_ACCURACY_FLOOR: f64 = 0.857;

/// Healthy clusters of the hundred-and-eighteenth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT118_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-nineteenth held-out set
/// (`tests/incidents-heldout-119/`) fully right. Blind, on the engine of
/// 71b99ac: 5 of 14. 13 of 14 after the round of the hundred-and-eighteenth
/// to hundred-and-twenty-first sets. Only goes up.
const HELDOUT119_ACCURACY_FLOOR: f64 = 0.928;

/// Healthy clusters of the hundred-and-nineteenth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT119_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-twentieth held-out set
/// (`tests/incidents-heldout-120/`) fully right. Blind, on the engine of
/// 71b99ac: 8 of 14. 9 of 14 after the round of the hundred-and-eighteenth
/// to hundred-and-twenty-first sets. Only goes up.
const HELDOUT120_ACCURACY_FLOOR: f64 = 0.642;

/// Healthy clusters of the hundred-and-twentieth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT120_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-twenty-first held-out set
/// (`tests/incidents-heldout-121/`) fully right. Blind, on the engine of
/// 71b99ac: 4 of 14. 10 of 14 after the round of the hundred-and-eighteenth
/// to hundred-and-twenty-first sets. Only goes up.
const HELDOUT121_ACCURACY_FLOOR: f64 = 0.714;

/// Healthy clusters of the hundred-and-twenty-first held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT121_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-twenty-second held-out set
/// (`tests/incidents-heldout-122/`) fully right. Blind, on the engine of
/// b7d9cc1: 9 of 13 (69.2%). 12 of 13 after the round of the
/// hundred-and-twenty-second to hundred-and-twenty-fifth sets (b912158).
/// Only goes up.
const HELDOUT122_ACCURACY_FLOOR: f64 = 0.923;

/// Healthy clusters of the hundred-and-twenty-second held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT122_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-twenty-third held-out set
/// (`tests/incidents-heldout-123/`) fully right. Blind, on the engine of
/// b7d9cc1: 10 of 14 (71.4%). 13 of 14 after the round of the
/// hundred-and-twenty-second to hundred-and-twenty-fifth sets (b912158).
/// Only goes up.
const HELDOUT123_ACCURACY_FLOOR: f64 = 0.928;

/// Healthy clusters of the hundred-and-twenty-third held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT123_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-twenty-fourth held-out set
/// (`tests/incidents-heldout-124/`) fully right. Blind, on the engine of
/// b7d9cc1: 10 of 14 (71.4%). 13 of 14 after the round of the
/// hundred-and-twenty-second to hundred-and-twenty-fifth sets (b912158);
/// 14 of 14 after the round of the hundred-and-fiftieth to
/// hundred-and-fifty-third sets. Only goes up.
const HELDOUT124_ACCURACY_FLOOR: f64 = 1.0;

/// Healthy clusters of the hundred-and-twenty-fourth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT124_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-twenty-fifth held-out set
/// (`tests/incidents-heldout-125/`) fully right. Blind, on the engine of
/// b7d9cc1: 4 of 14 (28.6%). 11 of 14 after the round of the
/// hundred-and-twenty-second to hundred-and-twenty-fifth sets (b912158).
/// Only goes up.
const HELDOUT125_ACCURACY_FLOOR: f64 = 0.785;

/// Healthy clusters of the hundred-and-twenty-fifth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT125_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-twenty-sixth held-out set
/// (`tests/incidents-heldout-126/`) fully right. Blind, on the engine of
/// df73d60: 7 of 14 (50.0%). 12 of 14 after the round of the
/// hundred-and-twenty-sixth to hundred-and-twenty-ninth sets (ff5bfb9).
/// Only goes up.
const HELDOUT126_ACCURACY_FLOOR: f64 = 0.857;

/// Healthy clusters of the hundred-and-twenty-sixth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT126_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-twenty-seventh held-out set
/// (`tests/incidents-heldout-127/`) fully right. Blind, on the engine of
/// df73d60: 9 of 14 (64.3%). 14 of 14 after the round of the
/// hundred-and-twenty-sixth to hundred-and-twenty-ninth sets (ff5bfb9).
/// Only goes up.
const HELDOUT127_ACCURACY_FLOOR: f64 = 1.000;

/// Healthy clusters of the hundred-and-twenty-seventh held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT127_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-twenty-eighth held-out set
/// (`tests/incidents-heldout-128/`) fully right. Blind, on the engine of
/// df73d60: 8 of 14 (57.1%). 11 of 14 after the round of the
/// hundred-and-twenty-sixth to hundred-and-twenty-ninth sets (ff5bfb9).
/// Only goes up.
const HELDOUT128_ACCURACY_FLOOR: f64 = 0.785;

/// Healthy clusters of the hundred-and-twenty-eighth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT128_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-twenty-ninth held-out set
/// (`tests/incidents-heldout-129/`) fully right. Blind, on the engine of
/// df73d60: 9 of 14 (64.3%). 14 of 14 after the round of the
/// hundred-and-twenty-sixth to hundred-and-twenty-ninth sets (ff5bfb9).
/// Only goes up.
const HELDOUT129_ACCURACY_FLOOR: f64 = 1.000;

/// Healthy clusters of the hundred-and-twenty-ninth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT129_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-thirtieth held-out set
/// (`tests/incidents-heldout-130/`) fully right. Blind, on the engine of
/// fabcef3: 6 of 14. 10 of 14 after the round of the hundred-and-thirtieth to
/// hundred-and-thirty-third sets. Only goes up.
const HELDOUT130_ACCURACY_FLOOR: f64 = 0.714;

/// Healthy clusters of the hundred-and-thirtieth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT130_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-thirty-first held-out set
/// (`tests/incidents-heldout-131/`) fully right. Blind, on the engine of
/// fabcef3: 6 of 14. 10 of 14 after the round of the hundred-and-thirtieth to
/// hundred-and-thirty-third sets. Only goes up.
const HELDOUT131_ACCURACY_FLOOR: f64 = 0.714;

/// Healthy clusters of the hundred-and-thirty-first held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT131_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-thirty-second held-out set
/// (`tests/incidents-heldout-132/`) fully right. Blind, on the engine of
/// fabcef3: 9 of 14. 12 of 14 after the round of the hundred-and-thirtieth to
/// hundred-and-thirty-third sets. Only goes up.
const HELDOUT132_ACCURACY_FLOOR: f64 = 0.857;

/// Healthy clusters of the hundred-and-thirty-second held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT132_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-thirty-third held-out set
/// (`tests/incidents-heldout-133/`) fully right. Blind, on the engine of
/// fabcef3: 6 of 14. 10 of 14 after the round of the hundred-and-thirtieth to
/// hundred-and-thirty-third sets. Only goes up.
const HELDOUT133_ACCURACY_FLOOR: f64 = 0.714;

/// Healthy clusters of the hundred-and-thirty-third held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT133_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-thirty-fourth held-out set
/// (`tests/incidents-heldout-134/`) fully right. Blind, on the engine of
/// e695f31: 8 of 14. 10 of 14 after a short round of the
/// hundred-and-thirty-fourth to hundred-and-thirty-seventh sets. 12 of 14 after
/// the round of the hundred-and-thirty-eighth to hundred-and-forty-first sets. Only goes up.
const HELDOUT134_ACCURACY_FLOOR: f64 = 0.857;

/// Healthy clusters of the hundred-and-thirty-fourth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT134_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-thirty-fifth held-out set
/// (`tests/incidents-heldout-135/`) fully right. Blind, on the engine of
/// e695f31: 6 of 14. 7 of 14 after a short round of the
/// hundred-and-thirty-fourth to hundred-and-thirty-seventh sets. 8 of 14 after
/// the round of the hundred-and-thirty-eighth to hundred-and-forty-first sets. Only goes up.
const HELDOUT135_ACCURACY_FLOOR: f64 = 0.571;

/// Healthy clusters of the hundred-and-thirty-fifth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT135_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-thirty-sixth held-out set
/// (`tests/incidents-heldout-136/`) fully right. Blind, on the engine of
/// e695f31: 7 of 14. 8 of 14 after a short round of the
/// hundred-and-thirty-fourth to hundred-and-thirty-seventh sets. 12 of 14 after
/// the round of the hundred-and-thirty-eighth to hundred-and-forty-first sets. Only goes up.
const HELDOUT136_ACCURACY_FLOOR: f64 = 0.857;

/// Healthy clusters of the hundred-and-thirty-sixth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT136_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-thirty-seventh held-out set
/// (`tests/incidents-heldout-137/`) fully right. Blind, on the engine of
/// e695f31: 10 of 14. 11 of 14 after the round of the
/// hundred-and-thirty-eighth to hundred-and-forty-first sets. Only goes up.
const HELDOUT137_ACCURACY_FLOOR: f64 = 0.785;

/// Healthy clusters of the hundred-and-thirty-seventh held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT137_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-thirty-eighth held-out set
/// (`tests/incidents-heldout-138/`) fully right. Blind, on the engine of
/// 10ceeb7: 6 of 14. 13 of 14 after its round
/// (with the other three). Only goes up.
const HELDOUT138_ACCURACY_FLOOR: f64 = 0.928;

/// Healthy clusters of the hundred-and-thirty-eighth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT138_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-thirty-ninth held-out set
/// (`tests/incidents-heldout-139/`) fully right. Blind, on the engine of
/// 10ceeb7: 7 of 14. 13 of 14 after its round
/// (with the other three). Only goes up.
const HELDOUT139_ACCURACY_FLOOR: f64 = 0.928;

/// Healthy clusters of the hundred-and-thirty-ninth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT139_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-fortieth held-out set
/// (`tests/incidents-heldout-140/`) fully right. Blind, on the engine of
/// 10ceeb7: 9 of 14. 14 of 14 after its round
/// (with the other three). Only goes up.
const HELDOUT140_ACCURACY_FLOOR: f64 = 1.0;

/// Healthy clusters of the hundred-and-fortieth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT140_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-forty-first held-out set
/// (`tests/incidents-heldout-141/`) fully right. Blind, on the engine of
/// 10ceeb7: 4 of 14. 10 of 14 after its round
/// (with the other three). Only goes up.
const HELDOUT141_ACCURACY_FLOOR: f64 = 0.714;

/// Healthy clusters of the hundred-and-forty-first held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT141_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-forty-second held-out set
/// (`tests/incidents-heldout-142/`) fully right. Blind, on the engine of
/// 17a1cee: 6 of 14. 12 of 14 after its round
/// (with the other three). Only goes up.
const HELDOUT142_ACCURACY_FLOOR: f64 = 0.857;

/// Healthy clusters of the hundred-and-forty-second held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT142_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-forty-third held-out set
/// (`tests/incidents-heldout-143/`) fully right. Blind, on the engine of
/// 17a1cee: 7 of 14. 12 of 14 after its round
/// (with the other three). Only goes up.
const HELDOUT143_ACCURACY_FLOOR: f64 = 0.857;

/// Healthy clusters of the hundred-and-forty-third held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT143_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-forty-fourth held-out set
/// (`tests/incidents-heldout-144/`) fully right. Blind, on the engine of
/// 17a1cee: 7 of 14. 11 of 14 after its round
/// (with the other three). Only goes up.
const HELDOUT144_ACCURACY_FLOOR: f64 = 0.785;

/// Healthy clusters of the hundred-and-forty-fourth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT144_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-forty-fifth held-out set
/// (`tests/incidents-heldout-145/`) fully right. Blind, on the engine of
/// 17a1cee: 9 of 14. 12 of 14 after its round
/// (with the other three). Only goes up.
const HELDOUT145_ACCURACY_FLOOR: f64 = 0.857;

/// Healthy clusters of the hundred-and-forty-fifth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT145_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-forty-sixth held-out set
/// (`tests/incidents-heldout-146/`) fully right. Blind, on the engine of
/// 8bfa4b6: 9 of 14; 10 once its events named their objects' own uids.
/// 13 of 14 after its round (with the other three). Only goes up.
const HELDOUT146_ACCURACY_FLOOR: f64 = 0.928;

/// Healthy clusters of the hundred-and-forty-sixth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT146_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-forty-seventh held-out set
/// (`tests/incidents-heldout-147/`) fully right. Blind, on the engine of
/// 8bfa4b6: 3 of 14; 6 once its events named their objects' own uids.
/// 11 of 14 after its round (with the other three). Only goes up.
const HELDOUT147_ACCURACY_FLOOR: f64 = 0.785;

/// Healthy clusters of the hundred-and-forty-seventh held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT147_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-forty-eighth held-out set
/// (`tests/incidents-heldout-148/`) fully right. Blind, on the engine of
/// 8bfa4b6: 5 of 14. 12 of 14 after its round (with the other
/// three). Only goes up.
const HELDOUT148_ACCURACY_FLOOR: f64 = 0.857;

/// Healthy clusters of the hundred-and-forty-eighth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT148_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-forty-ninth held-out set
/// (`tests/incidents-heldout-149/`) fully right. Blind, on the engine of
/// 8bfa4b6: 7 of 14. 12 of 14 after its round (with the other
/// three). Only goes up.
const HELDOUT149_ACCURACY_FLOOR: f64 = 0.857;

/// Healthy clusters of the hundred-and-forty-ninth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT149_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-fiftieth held-out set
/// (`tests/incidents-heldout-150/`) fully right. Blind, on the engine of
/// fb6caed: 9 of 14. 11 of 14 after the round of the
/// hundred-and-fiftieth to hundred-and-fifty-third sets; 12 of 14 once a
/// DNS-01 record public DNS does not show was read as outside the cluster.
/// Only goes up.
const HELDOUT150_ACCURACY_FLOOR: f64 = 0.857;

/// Healthy clusters of the hundred-and-fiftieth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT150_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-fifty-first held-out set
/// (`tests/incidents-heldout-151/`) fully right. Blind, on the engine of
/// fb6caed: 5 of 14. 12 of 14 after the round of the
/// hundred-and-fiftieth to hundred-and-fifty-third sets; 13 of 14 once a
/// meshed client's protocol on a Service port was read. Only goes up.
const HELDOUT151_ACCURACY_FLOOR: f64 = 0.928;

/// Healthy clusters of the hundred-and-fifty-first held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT151_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-fifty-second held-out set
/// (`tests/incidents-heldout-152/`) fully right. Blind, on the engine of
/// fb6caed: 11 of 14. 14 of 14 after the round of the
/// hundred-and-fiftieth to hundred-and-fifty-third sets. Only goes up.
const HELDOUT152_ACCURACY_FLOOR: f64 = 1.0;

/// Healthy clusters of the hundred-and-fifty-second held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT152_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-fifty-third held-out set
/// (`tests/incidents-heldout-153/`) fully right. Blind, on the engine of
/// fb6caed: 5 of 14. 12 of 14 after the round of the
/// hundred-and-fiftieth to hundred-and-fifty-third sets; 14 of 14 once a
/// meshed client's protocol on a Service port and DNS lookups crossing
/// nodes in Calico's VXLAN were read. Only goes up.
const HELDOUT153_ACCURACY_FLOOR: f64 = 1.0;

/// Healthy clusters of the hundred-and-fifty-third held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT153_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-fifty-fourth held-out set
/// (`tests/incidents-heldout-154/`) fully right. Blind, on the engine of
/// c83f90e: 8 of 14. 10 of 14 after the round of the
/// hundred-and-fifty-fourth to hundred-and-fifty-seventh sets. Only goes up.
const HELDOUT154_ACCURACY_FLOOR: f64 = 0.714;

/// Healthy clusters of the hundred-and-fifty-fourth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT154_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-fifty-fifth held-out set
/// (`tests/incidents-heldout-155/`) fully right. Blind, on the engine of
/// c83f90e: 5 of 14. 10 of 14 after the round of the
/// hundred-and-fifty-fourth to hundred-and-fifty-seventh sets. Only goes up.
const HELDOUT155_ACCURACY_FLOOR: f64 = 0.714;

/// Healthy clusters of the hundred-and-fifty-fifth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT155_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-fifty-sixth held-out set
/// (`tests/incidents-heldout-156/`) fully right. Blind, on the engine of
/// c83f90e: 5 of 14. 11 of 14 after the round of the
/// hundred-and-fifty-fourth to hundred-and-fifty-seventh sets. Only goes up.
const HELDOUT156_ACCURACY_FLOOR: f64 = 0.785;

/// Healthy clusters of the hundred-and-fifty-sixth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT156_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-fifty-seventh held-out set
/// (`tests/incidents-heldout-157/`) fully right. Blind, on the engine of
/// c83f90e: 3 of 14. 9 of 14 after the round of the
/// hundred-and-fifty-fourth to hundred-and-fifty-seventh sets. Only goes up.
const HELDOUT157_ACCURACY_FLOOR: f64 = 0.642;

/// Healthy clusters of the hundred-and-fifty-seventh held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT157_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-fifty-eighth held-out set
/// (`tests/incidents-heldout-158/`) fully right. Blind, on the engine of
/// 0dfb912: 4 of 14. 7 of 14 after the round of the
/// hundred-and-fifty-eighth to hundred-and-sixty-first sets. Only goes up.
const HELDOUT158_ACCURACY_FLOOR: f64 = 0.5;

/// Healthy clusters of the hundred-and-fifty-eighth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT158_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-fifty-ninth held-out set
/// (`tests/incidents-heldout-159/`) fully right. Blind, on the engine of
/// 0dfb912: 7 of 14. 9 of 14 after the round of the
/// hundred-and-fifty-eighth to hundred-and-sixty-first sets. Only goes up.
const HELDOUT159_ACCURACY_FLOOR: f64 = 0.642;

/// Healthy clusters of the hundred-and-fifty-ninth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT159_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-sixtieth held-out set
/// (`tests/incidents-heldout-160/`) fully right. Blind, on the engine of
/// 0dfb912: 8 of 14. 10 of 14 after the round of the
/// hundred-and-fifty-eighth to hundred-and-sixty-first sets. Only goes up.
const HELDOUT160_ACCURACY_FLOOR: f64 = 0.714;

/// Healthy clusters of the hundred-and-sixtieth held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT160_HEALTHY_MISSES_CEILING: usize = 0;

/// Share of the hundred-and-sixty-first held-out set
/// (`tests/incidents-heldout-161/`) fully right. Blind, on the engine of
/// 0dfb912: 3 of 14. 9 of 14 after the round of the
/// hundred-and-fifty-eighth to hundred-and-sixty-first sets. Only goes up.
const HELDOUT161_ACCURACY_FLOOR: f64 = 0.642;

/// Healthy clusters of the hundred-and-sixty-first held-out set that get a diagnosis
/// today. Only goes down.
const HELDOUT161_HEALTHY_MISSES_CEILING: usize = 0;

/// Healthy clusters of the tenth held-out set that get a diagnosis today
/// (none of its two). Only goes down.
const HELDOUT10_HEALTHY_MISSES_CEILING: usize = 0;

const LOOPS: [&str; 5] = ["identity", "compute", "network", "storage", "observability"];

/// Symptom kinds of the `day2/v1` contract, and those the engine is to gain.
const SYMPTOM_KINDS: [&str; 27] = [
    "PodPending",
    "ImagePullBackOff",
    "ErrImagePull",
    "CrashLoopBackOff",
    "OOMKilled",
    "PvcPending",
    "VolumeNodeAffinityConflict",
    "MultiAttach",
    "FailedAttachVolume",
    "FailedMount",
    "StatefulSetRolloutStuck",
    "ServiceWithoutReadyEndpoints",
    "IngressBackendMissing",
    "IngressBackendUnavailable",
    "NodeNotReady",
    "PodCreateFailed",
    "SandboxCreateFailed",
    "CreateContainerConfigError",
    "Evicted",
    "NodePressure",
    "ProbeFailing",
    "LoadBalancerPending",
    "JobFailed",
    "HpaLimited",
    "DrainBlocked",
    // Reserved spellings some expectations accept as alternatives.
    "ImagePull",
    "Unexplained",
];

const FAMILIES: [&str; 22] = [
    "dns",
    "networkpolicy",
    "cloud-auth",
    "failedcreate",
    "sandbox",
    "mount",
    "config-error",
    "eviction",
    "node-not-ready",
    "probe",
    "loadbalancer",
    "job",
    "hpa",
    "x509",
    "exec-format",
    "image-pull",
    "pending",
    "multi-attach",
    "oom",
    "ingress",
    "rbac",
    "healthy",
];

// ------------------------------------------------------------ expectations

/// `Kind namespace/name`, or `Kind name` for a cluster-scoped object.
#[derive(Debug, Clone, PartialEq)]
struct Obj {
    kind: String,
    namespace: Option<String>,
    name: String,
}

impl Obj {
    fn parse(s: &str) -> Result<Obj, String> {
        let (kind, rest) = s
            .split_once(' ')
            .ok_or_else(|| format!("object {s:?} is not `Kind namespace/name` or `Kind name`"))?;
        let (namespace, name) = match rest.split_once('/') {
            Some((ns, n)) => (Some(ns.to_owned()), n.to_owned()),
            None => (None, rest.to_owned()),
        };
        if kind.is_empty() || name.is_empty() || name.contains(' ') {
            return Err(format!(
                "object {s:?} is not `Kind namespace/name` or `Kind name`"
            ));
        }
        Ok(Obj {
            kind: kind.to_owned(),
            namespace,
            name,
        })
    }

    fn matches(&self, v: &Value) -> bool {
        v["kind"].as_str() == Some(self.kind.as_str())
            && v["name"].as_str() == Some(self.name.as_str())
            && v["namespace"].as_str() == self.namespace.as_deref()
    }

    fn in_list(&self, list: &Value) -> bool {
        list["items"].as_array().is_some_and(|items| {
            items.iter().any(|o| {
                o["kind"].as_str() == Some(self.kind.as_str())
                    && o["metadata"]["name"].as_str() == Some(self.name.as_str())
                    && o["metadata"]["namespace"].as_str() == self.namespace.as_deref()
            })
        })
    }
}

impl std::fmt::Display for Obj {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{} {ns}/{}", self.kind, self.name),
            None => write!(f, "{} {}", self.kind, self.name),
        }
    }
}

#[derive(Debug)]
enum Root {
    Unexplained,
    Cause {
        loops: Vec<String>,
        kinds: Vec<String>,
        names: Vec<String>,
    },
}

#[derive(Debug)]
enum Fix {
    Any(Vec<String>),
    All(Vec<String>),
}

#[derive(Debug)]
enum Expect {
    Healthy,
    Diagnosis {
        kinds: Vec<String>,
        objects: Vec<Obj>,
        root: Root,
        fix: Option<Fix>,
    },
}

#[derive(Debug)]
struct Incident {
    id: String,
    family: String,
    expect: Expect,
}

impl Incident {
    /// The loop the scoreboard files this incident under.
    fn loop_key(&self) -> String {
        match &self.expect {
            Expect::Healthy => "healthy".into(),
            Expect::Diagnosis {
                root: Root::Unexplained,
                ..
            } => "unexplained".into(),
            Expect::Diagnosis {
                root: Root::Cause { loops, .. },
                ..
            } => loops.first().cloned().unwrap_or_default(),
        }
    }

    fn describe(&self) -> String {
        match &self.expect {
            Expect::Healthy => "no diagnosis".into(),
            Expect::Diagnosis {
                kinds,
                objects,
                root,
                fix,
            } => {
                let objs: Vec<String> = objects.iter().map(ToString::to_string).collect();
                let root = match root {
                    Root::Unexplained => "unexplained".to_owned(),
                    Root::Cause {
                        loops,
                        kinds,
                        names,
                    } => format!(
                        "{} {} {}",
                        loops.join("|"),
                        kinds.join("|"),
                        names.join("|")
                    ),
                };
                let fix = match fix {
                    Some(Fix::Any(w)) => format!("; fix any of {w:?}"),
                    Some(Fix::All(w)) => format!("; fix all of {w:?}"),
                    None => String::new(),
                };
                format!(
                    "{} on {} -> {root}{fix}",
                    kinds.join("|"),
                    objs.join(" or ")
                )
            }
        }
    }
}

/// A string, or a list of strings: the values any of which is right.
fn one_or_many(v: &Value, what: &str) -> Result<Vec<String>, String> {
    let out: Vec<String> = match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a
            .iter()
            .map(|x| {
                x.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| format!("{what}: {x} is not a string"))
            })
            .collect::<Result<_, _>>()?,
        Value::Null => return Err(format!("{what} is missing")),
        other => return Err(format!("{what}: {other} is not a string or a list")),
    };
    if out.is_empty() || out.iter().any(|s| s.trim().is_empty()) {
        return Err(format!("{what} is empty"));
    }
    Ok(out)
}

fn check_keys(v: &Value, allowed: &[&str], what: &str) -> Result<(), String> {
    let map = v
        .as_object()
        .ok_or_else(|| format!("{what} is not a mapping"))?;
    match map.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(format!("{what}: unknown key {k:?} (known: {allowed:?})")),
        None => Ok(()),
    }
}

fn parse_expect(id: &str, text: &str, list: &Value) -> Result<Incident, String> {
    let v: Value = serde_saphyr::from_str(text).map_err(|e| format!("YAML: {e}"))?;
    check_keys(
        &v,
        &[
            "source",
            "also_source",
            "family",
            "expect",
            "symptom",
            "root_cause",
            "fix_words",
        ],
        "expectation",
    )?;
    for key in ["source", "also_source"] {
        if let Some(s) = v.get(key) {
            let s = s.as_str().ok_or_else(|| format!("{key} is not a string"))?;
            if !s.starts_with("https://") || s.contains(' ') {
                return Err(format!("{key} {s:?} is not a URL"));
            }
        }
    }
    if v.get("source").is_none() {
        return Err("source (the thread's URL) is missing".into());
    }
    let family = v["family"].as_str().ok_or("family is missing")?.to_owned();
    if !FAMILIES.contains(&family.as_str()) {
        return Err(format!("family {family:?} is not one of {FAMILIES:?}"));
    }
    let expect = if let Some(e) = v.get("expect") {
        if e.as_str() != Some("healthy") {
            return Err(format!("expect: {e} (only `healthy` is known)"));
        }
        if v.get("symptom").is_some() || v.get("root_cause").is_some() {
            return Err("a healthy cluster declares no symptom or root cause".into());
        }
        if family != "healthy" {
            return Err("a healthy cluster's family is `healthy`".into());
        }
        Expect::Healthy
    } else {
        let s = &v["symptom"];
        check_keys(s, &["kind", "object"], "symptom")?;
        let kinds = one_or_many(&s["kind"], "symptom.kind")?;
        // A kind close to a known one is a typo; one unlike any names a
        // symptom the engine does not have yet (a writer's word for it), and
        // is scored as a miss.
        if let Some(k) = kinds.iter().find(|k| {
            !SYMPTOM_KINDS.contains(&k.as_str())
                && (k.is_empty()
                    || day2_model::text::near_name(k, SYMPTOM_KINDS.iter().copied()).is_some())
        }) {
            return Err(format!("symptom.kind {k:?} is not a known symptom kind"));
        }
        let objects = one_or_many(&s["object"], "symptom.object")?
            .iter()
            .map(|o| Obj::parse(o))
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(o) = objects.iter().find(|o| !o.in_list(list)) {
            return Err(format!("symptom.object {o} is not in the snapshot"));
        }
        let root = match &v["root_cause"] {
            Value::String(s) if s == "unexplained" => Root::Unexplained,
            r @ Value::Object(_) => {
                check_keys(r, &["loop", "kind", "name"], "root_cause")?;
                let loops = one_or_many(&r["loop"], "root_cause.loop")?;
                if let Some(l) = loops.iter().find(|l| !LOOPS.contains(&l.as_str())) {
                    return Err(format!("root_cause.loop {l:?} is not one of {LOOPS:?}"));
                }
                Root::Cause {
                    loops,
                    kinds: one_or_many(&r["kind"], "root_cause.kind")?,
                    names: one_or_many(&r["name"], "root_cause.name")?,
                }
            }
            Value::Null => return Err("root_cause is missing".into()),
            other => return Err(format!("root_cause: {other} (a mapping, or `unexplained`)")),
        };
        let fix = match &v["fix_words"] {
            Value::Null => None,
            f => {
                check_keys(f, &["any", "all"], "fix_words")?;
                match (f.get("any"), f.get("all")) {
                    (Some(a), None) => Some(Fix::Any(one_or_many(a, "fix_words.any")?)),
                    (None, Some(a)) => Some(Fix::All(one_or_many(a, "fix_words.all")?)),
                    _ => return Err("fix_words has exactly one of `any` or `all`".into()),
                }
            }
        };
        if matches!(root, Root::Cause { .. }) && fix.is_none() {
            return Err("a root cause comes with fix_words".into());
        }
        Expect::Diagnosis {
            kinds,
            objects,
            root,
            fix,
        }
    };
    Ok(Incident {
        id: id.to_owned(),
        family,
        expect,
    })
}

// ------------------------------------------------------------ loading and diagnosing

/// The scored corpus, which the engine is developed against.
const CORPUS: &str = "tests/incidents";

/// The held-out incidents: written from other threads after the engine was,
/// and never used to change it.
const HELDOUT: &str = "tests/incidents-heldout";

/// The second held-out set: other threads again, written without reading the
/// engine, and never used to change it.
const HELDOUT2: &str = "tests/incidents-heldout-2";

/// The third set: threads none of the other sets use, written without
/// reading the engine; a development set since its first measurement.
const HELDOUT3: &str = "tests/incidents-heldout-3";

/// The fourth held-out set: threads none of the other sets use, written
/// without reading the engine, and never used to change it.
const HELDOUT4: &str = "tests/incidents-heldout-4";

/// The fifth held-out set: threads none of the other sets use, written
/// without reading the engine, and never used to change it.
const HELDOUT5: &str = "tests/incidents-heldout-5";

/// The sixth held-out set: threads none of the other sets use, written
/// without reading the engine, and never used to change it.
const HELDOUT6: &str = "tests/incidents-heldout-6";

/// The seventh held-out set: threads none of the other sets use, written
/// without reading the engine, and never used to change it.
const HELDOUT7: &str = "tests/incidents-heldout-7";

/// The eighth held-out set: threads none of the other sets use, written
/// without reading the engine; read since, a development set now.
const HELDOUT8: &str = "tests/incidents-heldout-8";

/// The ninth held-out set: threads none of the other sets use, written
/// without reading the engine, and never used to change it.
const HELDOUT9: &str = "tests/incidents-heldout-9";
const HELDOUT10: &str = "tests/incidents-heldout-10";
const HELDOUT11: &str = "tests/incidents-heldout-11";
const HELDOUT12: &str = "tests/incidents-heldout-12";
const HELDOUT13: &str = "tests/incidents-heldout-13";
const HELDOUT14: &str = "tests/incidents-heldout-14";
const HELDOUT15: &str = "tests/incidents-heldout-15";
const HELDOUT16: &str = "tests/incidents-heldout-16";
const HELDOUT17: &str = "tests/incidents-heldout-17";
const HELDOUT18: &str = "tests/incidents-heldout-18";
const HELDOUT19: &str = "tests/incidents-heldout-19";
const HELDOUT20: &str = "tests/incidents-heldout-20";
const HELDOUT21: &str = "tests/incidents-heldout-21";
const HELDOUT22: &str = "tests/incidents-heldout-22";
const HELDOUT23: &str = "tests/incidents-heldout-23";
const HELDOUT24: &str = "tests/incidents-heldout-24";
const HELDOUT25: &str = "tests/incidents-heldout-25";
const HELDOUT26: &str = "tests/incidents-heldout-26";
const HELDOUT27: &str = "tests/incidents-heldout-27";
const HELDOUT28: &str = "tests/incidents-heldout-28";
const HELDOUT29: &str = "tests/incidents-heldout-29";
const HELDOUT30: &str = "tests/incidents-heldout-30";
const HELDOUT31: &str = "tests/incidents-heldout-31";
const HELDOUT32: &str = "tests/incidents-heldout-32";
const HELDOUT33: &str = "tests/incidents-heldout-33";
const HELDOUT34: &str = "tests/incidents-heldout-34";
const HELDOUT35: &str = "tests/incidents-heldout-35";
const HELDOUT36: &str = "tests/incidents-heldout-36";
const HELDOUT37: &str = "tests/incidents-heldout-37";
const HELDOUT38: &str = "tests/incidents-heldout-38";
const HELDOUT39: &str = "tests/incidents-heldout-39";
const HELDOUT40: &str = "tests/incidents-heldout-40";
const HELDOUT41: &str = "tests/incidents-heldout-41";
const HELDOUT42: &str = "tests/incidents-heldout-42";
const HELDOUT43: &str = "tests/incidents-heldout-43";
const HELDOUT44: &str = "tests/incidents-heldout-44";
const HELDOUT45: &str = "tests/incidents-heldout-45";
const HELDOUT46: &str = "tests/incidents-heldout-46";
const HELDOUT47: &str = "tests/incidents-heldout-47";
const HELDOUT48: &str = "tests/incidents-heldout-48";
const HELDOUT49: &str = "tests/incidents-heldout-49";
const HELDOUT50: &str = "tests/incidents-heldout-50";
const HELDOUT51: &str = "tests/incidents-heldout-51";
const HELDOUT52: &str = "tests/incidents-heldout-52";
const HELDOUT53: &str = "tests/incidents-heldout-53";
const HELDOUT54: &str = "tests/incidents-heldout-54";
const HELDOUT55: &str = "tests/incidents-heldout-55";
const HELDOUT56: &str = "tests/incidents-heldout-56";
const HELDOUT57: &str = "tests/incidents-heldout-57";
const HELDOUT58: &str = "tests/incidents-heldout-58";
const HELDOUT59: &str = "tests/incidents-heldout-59";
const HELDOUT60: &str = "tests/incidents-heldout-60";
const HELDOUT61: &str = "tests/incidents-heldout-61";
const HELDOUT62: &str = "tests/incidents-heldout-62";
const HELDOUT63: &str = "tests/incidents-heldout-63";
const HELDOUT64: &str = "tests/incidents-heldout-64";
const HELDOUT65: &str = "tests/incidents-heldout-65";
const HELDOUT66: &str = "tests/incidents-heldout-66";
const HELDOUT67: &str = "tests/incidents-heldout-67";
const HELDOUT68: &str = "tests/incidents-heldout-68";
const HELDOUT69: &str = "tests/incidents-heldout-69";
const HELDOUT70: &str = "tests/incidents-heldout-70";
const HELDOUT71: &str = "tests/incidents-heldout-71";
const HELDOUT72: &str = "tests/incidents-heldout-72";
const HELDOUT73: &str = "tests/incidents-heldout-73";
const HELDOUT74: &str = "tests/incidents-heldout-74";
const HELDOUT75: &str = "tests/incidents-heldout-75";
const HELDOUT76: &str = "tests/incidents-heldout-76";
const HELDOUT77: &str = "tests/incidents-heldout-77";
const HELDOUT78: &str = "tests/incidents-heldout-78";
const HELDOUT79: &str = "tests/incidents-heldout-79";
const HELDOUT80: &str = "tests/incidents-heldout-80";
const HELDOUT81: &str = "tests/incidents-heldout-81";
const HELDOUT82: &str = "tests/incidents-heldout-82";
const HELDOUT83: &str = "tests/incidents-heldout-83";
const HELDOUT84: &str = "tests/incidents-heldout-84";
const HELDOUT85: &str = "tests/incidents-heldout-85";
const HELDOUT86: &str = "tests/incidents-heldout-86";
const HELDOUT87: &str = "tests/incidents-heldout-87";
const HELDOUT88: &str = "tests/incidents-heldout-88";
const HELDOUT89: &str = "tests/incidents-heldout-89";
const HELDOUT90: &str = "tests/incidents-heldout-90";
const HELDOUT91: &str = "tests/incidents-heldout-91";
const HELDOUT92: &str = "tests/incidents-heldout-92";
const HELDOUT93: &str = "tests/incidents-heldout-93";
const HELDOUT94: &str = "tests/incidents-heldout-94";
const HELDOUT95: &str = "tests/incidents-heldout-95";
const HELDOUT96: &str = "tests/incidents-heldout-96";
const HELDOUT97: &str = "tests/incidents-heldout-97";
const HELDOUT98: &str = "tests/incidents-heldout-98";
const HELDOUT99: &str = "tests/incidents-heldout-99";
const HELDOUT100: &str = "tests/incidents-heldout-100";
const HELDOUT101: &str = "tests/incidents-heldout-101";
const HELDOUT102: &str = "tests/incidents-heldout-102";
const HELDOUT103: &str = "tests/incidents-heldout-103";
const HELDOUT104: &str = "tests/incidents-heldout-104";
const HELDOUT105: &str = "tests/incidents-heldout-105";
const HELDOUT106: &str = "tests/incidents-heldout-106";
const HELDOUT107: &str = "tests/incidents-heldout-107";
const HELDOUT108: &str = "tests/incidents-heldout-108";
const HELDOUT109: &str = "tests/incidents-heldout-109";
const HELDOUT110: &str = "tests/incidents-heldout-110";
const HELDOUT111: &str = "tests/incidents-heldout-111";
const HELDOUT112: &str = "tests/incidents-heldout-112";
const HELDOUT113: &str = "tests/incidents-heldout-113";
const HELDOUT114: &str = "tests/incidents-heldout-114";
const HELDOUT115: &str = "tests/incidents-heldout-115";
const HELDOUT116: &str = "tests/incidents-heldout-116";
const HELDOUT117: &str = "tests/incidents-heldout-117";
const HELDOUT118: &str = "tests/incidents-heldout-118";
const HELDOUT119: &str = "tests/incidents-heldout-119";
const HELDOUT120: &str = "tests/incidents-heldout-120";
const HELDOUT121: &str = "tests/incidents-heldout-121";
const HELDOUT122: &str = "tests/incidents-heldout-122";
const HELDOUT123: &str = "tests/incidents-heldout-123";
const HELDOUT124: &str = "tests/incidents-heldout-124";
const HELDOUT125: &str = "tests/incidents-heldout-125";
const HELDOUT126: &str = "tests/incidents-heldout-126";
const HELDOUT127: &str = "tests/incidents-heldout-127";
const HELDOUT128: &str = "tests/incidents-heldout-128";
const HELDOUT129: &str = "tests/incidents-heldout-129";
const HELDOUT130: &str = "tests/incidents-heldout-130";
const HELDOUT131: &str = "tests/incidents-heldout-131";
const HELDOUT132: &str = "tests/incidents-heldout-132";
const HELDOUT133: &str = "tests/incidents-heldout-133";
const HELDOUT134: &str = "tests/incidents-heldout-134";
const HELDOUT135: &str = "tests/incidents-heldout-135";
const HELDOUT136: &str = "tests/incidents-heldout-136";
const HELDOUT137: &str = "tests/incidents-heldout-137";
const HELDOUT138: &str = "tests/incidents-heldout-138";
const HELDOUT139: &str = "tests/incidents-heldout-139";
const HELDOUT140: &str = "tests/incidents-heldout-140";
const HELDOUT141: &str = "tests/incidents-heldout-141";
const HELDOUT142: &str = "tests/incidents-heldout-142";
const HELDOUT143: &str = "tests/incidents-heldout-143";
const HELDOUT144: &str = "tests/incidents-heldout-144";
const HELDOUT145: &str = "tests/incidents-heldout-145";
const HELDOUT146: &str = "tests/incidents-heldout-146";
const HELDOUT147: &str = "tests/incidents-heldout-147";
const HELDOUT148: &str = "tests/incidents-heldout-148";
const HELDOUT149: &str = "tests/incidents-heldout-149";
const HELDOUT150: &str = "tests/incidents-heldout-150";
const HELDOUT151: &str = "tests/incidents-heldout-151";
const HELDOUT152: &str = "tests/incidents-heldout-152";
const HELDOUT153: &str = "tests/incidents-heldout-153";
const HELDOUT154: &str = "tests/incidents-heldout-154";
const HELDOUT155: &str = "tests/incidents-heldout-155";
const HELDOUT156: &str = "tests/incidents-heldout-156";
const HELDOUT157: &str = "tests/incidents-heldout-157";
const HELDOUT158: &str = "tests/incidents-heldout-158";
const HELDOUT159: &str = "tests/incidents-heldout-159";
const HELDOUT160: &str = "tests/incidents-heldout-160";
const HELDOUT161: &str = "tests/incidents-heldout-161";

fn corpus_dir(folder: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(folder)
}

/// Every incident in `folder`, or the reasons some are malformed.
fn load_corpus(folder: &str) -> (Vec<(Incident, Cluster)>, Vec<String>) {
    let dir = corpus_dir(folder);
    let mut errors = Vec::new();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut ids = BTreeMap::new();
    let mut out = Vec::new();
    for name in &names {
        let Some(id) = name.strip_suffix(".json") else {
            // A set's own notes (its sources, what was reconstructed).
            if !name.ends_with(".expect.yaml") && !name.ends_with(".md") {
                errors.push(format!(
                    "{name}: neither an incident (.json), an expectation (.expect.yaml) nor notes (.md)"
                ));
            } else if !names.contains(&name.replace(".expect.yaml", ".json")) {
                errors.push(format!("{name}: no snapshot beside it"));
            }
            continue;
        };
        let num = id.split('-').next().unwrap_or("");
        if num.len() != 3 || !num.bytes().all(|b| b.is_ascii_digit()) || id.len() < 5 {
            errors.push(format!("{name}: the name is not NNN-short-name.json"));
            continue;
        }
        if let Some(other) = ids.insert(num.to_owned(), id.to_owned()) {
            errors.push(format!("{name}: number {num} is also {other}"));
        }
        let json = dir.join(name);
        let exp_path = dir.join(format!("{id}.expect.yaml"));
        let Ok(exp) = std::fs::read_to_string(&exp_path) else {
            errors.push(format!("{name}: no {id}.expect.yaml"));
            continue;
        };
        let list: Value = match std::fs::read(&json)
            .map_err(|e| e.to_string())
            .and_then(|b| serde_json::from_slice(&b).map_err(|e| e.to_string()))
        {
            Ok(v) => v,
            Err(e) => {
                errors.push(format!("{name}: {e}"));
                continue;
            }
        };
        if list["kind"] != "List" || !list["items"].is_array() {
            errors.push(format!("{name}: not a `kind: List` with items"));
            continue;
        }
        let incident = match parse_expect(id, &exp, &list) {
            Ok(i) => i,
            Err(e) => {
                errors.push(format!("{id}.expect.yaml: {e}"));
                continue;
            }
        };
        // As `day2 diagnose --snapshot FILE` reads it.
        let cluster = match day2_sources::load_snapshot(
            &[Input::Path(json.clone())],
            &LoadOptions::default(),
        ) {
            Ok(c) => c,
            Err(e) => {
                errors.push(format!("{name}: {e}"));
                continue;
            }
        };
        if !cluster.notes.is_empty() {
            let notes: Vec<String> = cluster.notes.iter().map(ToString::to_string).collect();
            errors.push(format!("{name}: loads with notes: {}", notes.join("; ")));
            continue;
        }
        out.push((incident, cluster));
    }
    (out, errors)
}

/// The diagnoses as the `day2/v1` JSON carries them.
fn diagnose(cluster: &Cluster) -> Vec<Value> {
    let config = Config::default();
    let cx = Context::new(cluster, &config);
    let findings = day2_rules::run(&cx);
    let out = day2_diagnose::diagnose(&cx, &findings);
    out.diagnoses
        .iter()
        .map(|d| serde_json::to_value(d).expect("a diagnosis serialises"))
        .collect()
}

// ------------------------------------------------------------ scoring

#[derive(Debug, Default, Clone, Copy)]
struct Checks {
    symptom: bool,
    root_loop: bool,
    root_object: bool,
    fix: bool,
}

impl Checks {
    fn all(&self) -> bool {
        self.symptom && self.root_loop && self.root_object && self.fix
    }
    fn count(&self) -> usize {
        [self.symptom, self.root_loop, self.root_object, self.fix]
            .iter()
            .filter(|b| **b)
            .count()
    }
}

struct Score {
    checks: Checks,
    pass: bool,
    said: String,
}

fn obj_str(v: &Value) -> String {
    let kind = v["kind"].as_str().unwrap_or("?");
    let name = v["name"].as_str().unwrap_or("?");
    match v["namespace"].as_str() {
        Some(ns) => format!("{kind} {ns}/{name}"),
        None => format!("{kind} {name}"),
    }
}

fn is_unexplained(d: &Value) -> bool {
    d["root_cause"].is_null() || d["unexplained"] == Value::Bool(true)
}

fn said(d: &Value) -> String {
    let summary: String = d["root_cause"]["summary"]
        .as_str()
        .unwrap_or("")
        .chars()
        .take(110)
        .collect();
    if is_unexplained(d) {
        format!(
            "{} {} -> unexplained",
            d["symptom"]["kind"].as_str().unwrap_or("?"),
            obj_str(&d["symptom"]["object"])
        )
    } else {
        format!(
            "{} {} -> {} {}: {summary}",
            d["symptom"]["kind"].as_str().unwrap_or("?"),
            obj_str(&d["symptom"]["object"]),
            d["root_cause"]["loop"].as_str().unwrap_or("?"),
            obj_str(&d["root_cause"]["object"]),
        )
    }
}

fn fix_ok(fix: &Option<Fix>, text: &str) -> bool {
    let text = text.to_lowercase();
    match fix {
        None => true,
        Some(Fix::Any(w)) => w.iter().any(|w| text.contains(&w.to_lowercase())),
        Some(Fix::All(w)) => w.iter().all(|w| text.contains(&w.to_lowercase())),
    }
}

fn score(incident: &Incident, diagnoses: &[Value]) -> Score {
    let all_said = || -> String {
        if diagnoses.is_empty() {
            "no diagnosis".into()
        } else {
            diagnoses.iter().map(said).collect::<Vec<_>>().join(" | ")
        }
    };
    let Expect::Diagnosis {
        kinds,
        objects,
        root,
        fix,
    } = &incident.expect
    else {
        let pass = diagnoses.is_empty();
        let checks = Checks {
            symptom: pass,
            root_loop: pass,
            root_object: pass,
            fix: pass,
        };
        return Score {
            checks,
            pass,
            said: all_said(),
        };
    };
    let mut best: Option<(Checks, &Value)> = None;
    for d in diagnoses {
        let kind_ok = d["symptom"]["kind"]
            .as_str()
            .is_some_and(|k| kinds.iter().any(|x| x == k));
        // The symptom's object, its workload (a pod's Deployment,
        // StatefulSet, …), or an object grouped under it.
        let on_obj = |o: &Obj| {
            o.matches(&d["symptom"]["object"])
                || o.matches(&d["symptom"]["workload"])
                || d["also_affected"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|x| o.matches(x)))
        };
        if !kind_ok || !objects.iter().any(on_obj) {
            continue;
        }
        let fix_text = d["fix"].as_str().unwrap_or("");
        let checks = match root {
            Root::Unexplained => {
                let u = is_unexplained(d);
                Checks {
                    symptom: true,
                    root_loop: u,
                    root_object: u,
                    fix: fix_ok(fix, fix_text),
                }
            }
            Root::Cause {
                loops,
                kinds,
                names,
            } => {
                let r = &d["root_cause"];
                Checks {
                    symptom: true,
                    root_loop: !is_unexplained(d)
                        && r["loop"]
                            .as_str()
                            .is_some_and(|l| loops.iter().any(|x| x == l)),
                    root_object: !is_unexplained(d)
                        && r["object"]["kind"]
                            .as_str()
                            .is_some_and(|k| kinds.iter().any(|x| x == k))
                        && r["object"]["name"]
                            .as_str()
                            .is_some_and(|n| names.iter().any(|x| x == n)),
                    fix: fix_ok(fix, fix_text),
                }
            }
        };
        if best.is_none_or(|(b, _)| checks.count() > b.count()) {
            best = Some((checks, d));
        }
    }
    match best {
        Some((checks, d)) => Score {
            checks,
            pass: checks.all(),
            said: if checks.all() {
                said(d)
            } else {
                format!(
                    "{} (fix: {})",
                    said(d),
                    first_line(d["fix"].as_str().unwrap_or(""))
                )
            },
        },
        None => Score {
            checks: Checks::default(),
            pass: false,
            said: all_said(),
        },
    }
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").chars().take(120).collect()
}

// ------------------------------------------------------------ the scoreboard

#[derive(Default)]
struct Tally {
    n: usize,
    pass: usize,
    symptom: usize,
    root_loop: usize,
    root_object: usize,
    fix: usize,
}

impl Tally {
    fn add(&mut self, s: &Score) {
        self.n += 1;
        self.pass += usize::from(s.pass);
        self.symptom += usize::from(s.checks.symptom);
        self.root_loop += usize::from(s.checks.root_loop);
        self.root_object += usize::from(s.checks.root_object);
        self.fix += usize::from(s.checks.fix);
    }
    fn accuracy(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.pass as f64 / self.n as f64
        }
    }
    fn row(&self, label: &str) -> String {
        let pct = |x: usize| format!("{x} ({:.0}%)", 100.0 * x as f64 / self.n.max(1) as f64);
        format!(
            "| {label} | {} | {} | {} | {} | {} | {} |\n",
            self.n,
            pct(self.pass),
            pct(self.symptom),
            pct(self.root_loop),
            pct(self.root_object),
            pct(self.fix)
        )
    }
}

const HEADER: &str = "| | incidents | fully right | symptom found | root-cause loop | root-cause object | fix words |\n|---|---|---|---|---|---|---|\n";

fn scoreboard(results: &[(&Incident, Score)], floor: f64) -> (String, Tally) {
    let mut all = Tally::default();
    let mut by_loop: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_family: BTreeMap<String, Tally> = BTreeMap::new();
    for (i, s) in results {
        all.add(s);
        by_loop.entry(i.loop_key()).or_default().add(s);
        by_family.entry(i.family.clone()).or_default().add(s);
    }
    let mut md = String::new();
    let _ = writeln!(
        md,
        "Accuracy: **{:.1}%** ({} of {} incidents fully right; floor {:.1}%, target 90%).\n",
        100.0 * all.accuracy(),
        all.pass,
        all.n,
        100.0 * floor
    );
    md.push_str(HEADER);
    md.push_str(&all.row("**all**"));
    md.push_str("\nBy the expected root cause's loop:\n\n");
    md.push_str(HEADER);
    for (k, t) in &by_loop {
        md.push_str(&t.row(k));
    }
    md.push_str("\nBy family:\n\n");
    md.push_str(HEADER);
    for (k, t) in &by_family {
        md.push_str(&t.row(k));
    }
    md.push_str("\nMisses (expected → what the engine said):\n\n");
    for (i, s) in results.iter().filter(|(_, s)| !s.pass) {
        let failed: Vec<&str> = [
            ("symptom", s.checks.symptom),
            ("loop", s.checks.root_loop),
            ("object", s.checks.root_object),
            ("fix", s.checks.fix),
        ]
        .iter()
        .filter(|(_, ok)| !ok)
        .map(|(n, _)| *n)
        .collect();
        let _ = writeln!(
            md,
            "- `{}` ({}; wrong: {}): expected {}. Engine: {}",
            i.id,
            i.family,
            failed.join(", "),
            i.describe().replace('|', "\\|"),
            s.said.replace('|', "\\|").replace('\n', " ")
        );
    }
    (md, all)
}

const BEGIN: &str = "<!-- scoreboard:begin -->";
const END: &str = "<!-- scoreboard:end -->";
const HELDOUT_BEGIN: &str = "<!-- heldout:begin -->";
const HELDOUT_END: &str = "<!-- heldout:end -->";
const HELDOUT2_BEGIN: &str = "<!-- heldout2:begin -->";
const HELDOUT2_END: &str = "<!-- heldout2:end -->";
const HELDOUT3_BEGIN: &str = "<!-- heldout3:begin -->";
const HELDOUT3_END: &str = "<!-- heldout3:end -->";
const HELDOUT4_BEGIN: &str = "<!-- heldout4:begin -->";
const HELDOUT4_END: &str = "<!-- heldout4:end -->";
const HELDOUT5_BEGIN: &str = "<!-- heldout5:begin -->";
const HELDOUT5_END: &str = "<!-- heldout5:end -->";
const HELDOUT6_BEGIN: &str = "<!-- heldout6:begin -->";
const HELDOUT6_END: &str = "<!-- heldout6:end -->";
const HELDOUT7_BEGIN: &str = "<!-- heldout7:begin -->";
const HELDOUT7_END: &str = "<!-- heldout7:end -->";
const HELDOUT8_BEGIN: &str = "<!-- heldout8:begin -->";
const HELDOUT8_END: &str = "<!-- heldout8:end -->";
const HELDOUT9_BEGIN: &str = "<!-- heldout9:begin -->";
const HELDOUT9_END: &str = "<!-- heldout9:end -->";
const HELDOUT10_BEGIN: &str = "<!-- heldout10:begin -->";
const HELDOUT10_END: &str = "<!-- heldout10:end -->";
const HELDOUT11_BEGIN: &str = "<!-- heldout11:begin -->";
const HELDOUT11_END: &str = "<!-- heldout11:end -->";
const HELDOUT12_BEGIN: &str = "<!-- heldout12:begin -->";
const HELDOUT12_END: &str = "<!-- heldout12:end -->";
const HELDOUT13_BEGIN: &str = "<!-- heldout13:begin -->";
const HELDOUT13_END: &str = "<!-- heldout13:end -->";
const HELDOUT14_BEGIN: &str = "<!-- heldout14:begin -->";
const HELDOUT14_END: &str = "<!-- heldout14:end -->";
const HELDOUT15_BEGIN: &str = "<!-- heldout15:begin -->";
const HELDOUT15_END: &str = "<!-- heldout15:end -->";
const HELDOUT16_BEGIN: &str = "<!-- heldout16:begin -->";
const HELDOUT16_END: &str = "<!-- heldout16:end -->";
const HELDOUT17_BEGIN: &str = "<!-- heldout17:begin -->";
const HELDOUT17_END: &str = "<!-- heldout17:end -->";
const HELDOUT18_BEGIN: &str = "<!-- heldout18:begin -->";
const HELDOUT18_END: &str = "<!-- heldout18:end -->";
const HELDOUT19_BEGIN: &str = "<!-- heldout19:begin -->";
const HELDOUT19_END: &str = "<!-- heldout19:end -->";
const HELDOUT20_BEGIN: &str = "<!-- heldout20:begin -->";
const HELDOUT20_END: &str = "<!-- heldout20:end -->";
const HELDOUT21_BEGIN: &str = "<!-- heldout21:begin -->";
const HELDOUT21_END: &str = "<!-- heldout21:end -->";
const HELDOUT22_BEGIN: &str = "<!-- heldout22:begin -->";
const HELDOUT22_END: &str = "<!-- heldout22:end -->";
const HELDOUT23_BEGIN: &str = "<!-- heldout23:begin -->";
const HELDOUT23_END: &str = "<!-- heldout23:end -->";
const HELDOUT24_BEGIN: &str = "<!-- heldout24:begin -->";
const HELDOUT24_END: &str = "<!-- heldout24:end -->";
const HELDOUT25_BEGIN: &str = "<!-- heldout25:begin -->";
const HELDOUT25_END: &str = "<!-- heldout25:end -->";
const HELDOUT26_BEGIN: &str = "<!-- heldout26:begin -->";
const HELDOUT26_END: &str = "<!-- heldout26:end -->";
const HELDOUT27_BEGIN: &str = "<!-- heldout27:begin -->";
const HELDOUT27_END: &str = "<!-- heldout27:end -->";
const HELDOUT28_BEGIN: &str = "<!-- heldout28:begin -->";
const HELDOUT28_END: &str = "<!-- heldout28:end -->";
const HELDOUT29_BEGIN: &str = "<!-- heldout29:begin -->";
const HELDOUT29_END: &str = "<!-- heldout29:end -->";
const HELDOUT30_BEGIN: &str = "<!-- heldout30:begin -->";
const HELDOUT30_END: &str = "<!-- heldout30:end -->";
const HELDOUT31_BEGIN: &str = "<!-- heldout31:begin -->";
const HELDOUT31_END: &str = "<!-- heldout31:end -->";
const HELDOUT32_BEGIN: &str = "<!-- heldout32:begin -->";
const HELDOUT32_END: &str = "<!-- heldout32:end -->";
const HELDOUT33_BEGIN: &str = "<!-- heldout33:begin -->";
const HELDOUT33_END: &str = "<!-- heldout33:end -->";
const HELDOUT34_BEGIN: &str = "<!-- heldout34:begin -->";
const HELDOUT34_END: &str = "<!-- heldout34:end -->";
const HELDOUT35_BEGIN: &str = "<!-- heldout35:begin -->";
const HELDOUT35_END: &str = "<!-- heldout35:end -->";
const HELDOUT36_BEGIN: &str = "<!-- heldout36:begin -->";
const HELDOUT36_END: &str = "<!-- heldout36:end -->";
const HELDOUT37_BEGIN: &str = "<!-- heldout37:begin -->";
const HELDOUT37_END: &str = "<!-- heldout37:end -->";
const HELDOUT38_BEGIN: &str = "<!-- heldout38:begin -->";
const HELDOUT38_END: &str = "<!-- heldout38:end -->";
const HELDOUT39_BEGIN: &str = "<!-- heldout39:begin -->";
const HELDOUT39_END: &str = "<!-- heldout39:end -->";
const HELDOUT40_BEGIN: &str = "<!-- heldout40:begin -->";
const HELDOUT40_END: &str = "<!-- heldout40:end -->";
const HELDOUT41_BEGIN: &str = "<!-- heldout41:begin -->";
const HELDOUT41_END: &str = "<!-- heldout41:end -->";
const HELDOUT42_BEGIN: &str = "<!-- heldout42:begin -->";
const HELDOUT42_END: &str = "<!-- heldout42:end -->";
const HELDOUT43_BEGIN: &str = "<!-- heldout43:begin -->";
const HELDOUT43_END: &str = "<!-- heldout43:end -->";
const HELDOUT44_BEGIN: &str = "<!-- heldout44:begin -->";
const HELDOUT44_END: &str = "<!-- heldout44:end -->";
const HELDOUT45_BEGIN: &str = "<!-- heldout45:begin -->";
const HELDOUT45_END: &str = "<!-- heldout45:end -->";
const HELDOUT46_BEGIN: &str = "<!-- heldout46:begin -->";
const HELDOUT46_END: &str = "<!-- heldout46:end -->";
const HELDOUT47_BEGIN: &str = "<!-- heldout47:begin -->";
const HELDOUT47_END: &str = "<!-- heldout47:end -->";
const HELDOUT48_BEGIN: &str = "<!-- heldout48:begin -->";
const HELDOUT48_END: &str = "<!-- heldout48:end -->";
const HELDOUT49_BEGIN: &str = "<!-- heldout49:begin -->";
const HELDOUT49_END: &str = "<!-- heldout49:end -->";
const HELDOUT50_BEGIN: &str = "<!-- heldout50:begin -->";
const HELDOUT50_END: &str = "<!-- heldout50:end -->";
const HELDOUT51_BEGIN: &str = "<!-- heldout51:begin -->";
const HELDOUT51_END: &str = "<!-- heldout51:end -->";
const HELDOUT52_BEGIN: &str = "<!-- heldout52:begin -->";
const HELDOUT52_END: &str = "<!-- heldout52:end -->";
const HELDOUT53_BEGIN: &str = "<!-- heldout53:begin -->";
const HELDOUT53_END: &str = "<!-- heldout53:end -->";
const HELDOUT54_BEGIN: &str = "<!-- heldout54:begin -->";
const HELDOUT54_END: &str = "<!-- heldout54:end -->";
const HELDOUT55_BEGIN: &str = "<!-- heldout55:begin -->";
const HELDOUT55_END: &str = "<!-- heldout55:end -->";
const HELDOUT56_BEGIN: &str = "<!-- heldout56:begin -->";
const HELDOUT56_END: &str = "<!-- heldout56:end -->";
const HELDOUT57_BEGIN: &str = "<!-- heldout57:begin -->";
const HELDOUT57_END: &str = "<!-- heldout57:end -->";
const HELDOUT58_BEGIN: &str = "<!-- heldout58:begin -->";
const HELDOUT58_END: &str = "<!-- heldout58:end -->";
const HELDOUT59_BEGIN: &str = "<!-- heldout59:begin -->";
const HELDOUT59_END: &str = "<!-- heldout59:end -->";
const HELDOUT60_BEGIN: &str = "<!-- heldout60:begin -->";
const HELDOUT60_END: &str = "<!-- heldout60:end -->";
const HELDOUT61_BEGIN: &str = "<!-- heldout61:begin -->";
const HELDOUT61_END: &str = "<!-- heldout61:end -->";
const HELDOUT62_BEGIN: &str = "<!-- heldout62:begin -->";
const HELDOUT62_END: &str = "<!-- heldout62:end -->";
const HELDOUT63_BEGIN: &str = "<!-- heldout63:begin -->";
const HELDOUT63_END: &str = "<!-- heldout63:end -->";
const HELDOUT64_BEGIN: &str = "<!-- heldout64:begin -->";
const HELDOUT64_END: &str = "<!-- heldout64:end -->";
const HELDOUT65_BEGIN: &str = "<!-- heldout65:begin -->";
const HELDOUT65_END: &str = "<!-- heldout65:end -->";
const HELDOUT66_BEGIN: &str = "<!-- heldout66:begin -->";
const HELDOUT66_END: &str = "<!-- heldout66:end -->";
const HELDOUT67_BEGIN: &str = "<!-- heldout67:begin -->";
const HELDOUT67_END: &str = "<!-- heldout67:end -->";
const HELDOUT68_BEGIN: &str = "<!-- heldout68:begin -->";
const HELDOUT68_END: &str = "<!-- heldout68:end -->";
const HELDOUT69_BEGIN: &str = "<!-- heldout69:begin -->";
const HELDOUT69_END: &str = "<!-- heldout69:end -->";
const HELDOUT70_BEGIN: &str = "<!-- heldout70:begin -->";
const HELDOUT70_END: &str = "<!-- heldout70:end -->";
const HELDOUT71_BEGIN: &str = "<!-- heldout71:begin -->";
const HELDOUT71_END: &str = "<!-- heldout71:end -->";
const HELDOUT72_BEGIN: &str = "<!-- heldout72:begin -->";
const HELDOUT72_END: &str = "<!-- heldout72:end -->";
const HELDOUT73_BEGIN: &str = "<!-- heldout73:begin -->";
const HELDOUT73_END: &str = "<!-- heldout73:end -->";
const HELDOUT74_BEGIN: &str = "<!-- heldout74:begin -->";
const HELDOUT74_END: &str = "<!-- heldout74:end -->";
const HELDOUT75_BEGIN: &str = "<!-- heldout75:begin -->";
const HELDOUT75_END: &str = "<!-- heldout75:end -->";
const HELDOUT76_BEGIN: &str = "<!-- heldout76:begin -->";
const HELDOUT76_END: &str = "<!-- heldout76:end -->";
const HELDOUT77_BEGIN: &str = "<!-- heldout77:begin -->";
const HELDOUT77_END: &str = "<!-- heldout77:end -->";
const HELDOUT78_BEGIN: &str = "<!-- heldout78:begin -->";
const HELDOUT78_END: &str = "<!-- heldout78:end -->";
const HELDOUT79_BEGIN: &str = "<!-- heldout79:begin -->";
const HELDOUT79_END: &str = "<!-- heldout79:end -->";
const HELDOUT80_BEGIN: &str = "<!-- heldout80:begin -->";
const HELDOUT80_END: &str = "<!-- heldout80:end -->";
const HELDOUT81_BEGIN: &str = "<!-- heldout81:begin -->";
const HELDOUT81_END: &str = "<!-- heldout81:end -->";
const HELDOUT82_BEGIN: &str = "<!-- heldout82:begin -->";
const HELDOUT82_END: &str = "<!-- heldout82:end -->";
const HELDOUT83_BEGIN: &str = "<!-- heldout83:begin -->";
const HELDOUT83_END: &str = "<!-- heldout83:end -->";
const HELDOUT84_BEGIN: &str = "<!-- heldout84:begin -->";
const HELDOUT84_END: &str = "<!-- heldout84:end -->";
const HELDOUT85_BEGIN: &str = "<!-- heldout85:begin -->";
const HELDOUT85_END: &str = "<!-- heldout85:end -->";
const HELDOUT86_BEGIN: &str = "<!-- heldout86:begin -->";
const HELDOUT86_END: &str = "<!-- heldout86:end -->";
const HELDOUT87_BEGIN: &str = "<!-- heldout87:begin -->";
const HELDOUT87_END: &str = "<!-- heldout87:end -->";
const HELDOUT88_BEGIN: &str = "<!-- heldout88:begin -->";
const HELDOUT88_END: &str = "<!-- heldout88:end -->";
const HELDOUT89_BEGIN: &str = "<!-- heldout89:begin -->";
const HELDOUT89_END: &str = "<!-- heldout89:end -->";
const HELDOUT90_BEGIN: &str = "<!-- heldout90:begin -->";
const HELDOUT90_END: &str = "<!-- heldout90:end -->";
const HELDOUT91_BEGIN: &str = "<!-- heldout91:begin -->";
const HELDOUT91_END: &str = "<!-- heldout91:end -->";
const HELDOUT92_BEGIN: &str = "<!-- heldout92:begin -->";
const HELDOUT92_END: &str = "<!-- heldout92:end -->";
const HELDOUT93_BEGIN: &str = "<!-- heldout93:begin -->";
const HELDOUT93_END: &str = "<!-- heldout93:end -->";
const HELDOUT94_BEGIN: &str = "<!-- heldout94:begin -->";
const HELDOUT94_END: &str = "<!-- heldout94:end -->";
const HELDOUT95_BEGIN: &str = "<!-- heldout95:begin -->";
const HELDOUT95_END: &str = "<!-- heldout95:end -->";
const HELDOUT96_BEGIN: &str = "<!-- heldout96:begin -->";
const HELDOUT96_END: &str = "<!-- heldout96:end -->";
const HELDOUT97_BEGIN: &str = "<!-- heldout97:begin -->";
const HELDOUT97_END: &str = "<!-- heldout97:end -->";
const HELDOUT98_BEGIN: &str = "<!-- heldout98:begin -->";
const HELDOUT98_END: &str = "<!-- heldout98:end -->";
const HELDOUT99_BEGIN: &str = "<!-- heldout99:begin -->";
const HELDOUT99_END: &str = "<!-- heldout99:end -->";
const HELDOUT100_BEGIN: &str = "<!-- heldout100:begin -->";
const HELDOUT100_END: &str = "<!-- heldout100:end -->";
const HELDOUT101_BEGIN: &str = "<!-- heldout101:begin -->";
const HELDOUT101_END: &str = "<!-- heldout101:end -->";
const HELDOUT102_BEGIN: &str = "<!-- heldout102:begin -->";
const HELDOUT102_END: &str = "<!-- heldout102:end -->";
const HELDOUT103_BEGIN: &str = "<!-- heldout103:begin -->";
const HELDOUT103_END: &str = "<!-- heldout103:end -->";
const HELDOUT104_BEGIN: &str = "<!-- heldout104:begin -->";
const HELDOUT104_END: &str = "<!-- heldout104:end -->";
const HELDOUT105_BEGIN: &str = "<!-- heldout105:begin -->";
const HELDOUT105_END: &str = "<!-- heldout105:end -->";
const HELDOUT106_BEGIN: &str = "<!-- heldout106:begin -->";
const HELDOUT106_END: &str = "<!-- heldout106:end -->";
const HELDOUT107_BEGIN: &str = "<!-- heldout107:begin -->";
const HELDOUT107_END: &str = "<!-- heldout107:end -->";
const HELDOUT108_BEGIN: &str = "<!-- heldout108:begin -->";
const HELDOUT108_END: &str = "<!-- heldout108:end -->";
const HELDOUT109_BEGIN: &str = "<!-- heldout109:begin -->";
const HELDOUT109_END: &str = "<!-- heldout109:end -->";
const HELDOUT110_BEGIN: &str = "<!-- heldout110:begin -->";
const HELDOUT110_END: &str = "<!-- heldout110:end -->";
const HELDOUT111_BEGIN: &str = "<!-- heldout111:begin -->";
const HELDOUT111_END: &str = "<!-- heldout111:end -->";
const HELDOUT112_BEGIN: &str = "<!-- heldout112:begin -->";
const HELDOUT112_END: &str = "<!-- heldout112:end -->";
const HELDOUT113_BEGIN: &str = "<!-- heldout113:begin -->";
const HELDOUT113_END: &str = "<!-- heldout113:end -->";
const HELDOUT114_BEGIN: &str = "<!-- heldout114:begin -->";
const HELDOUT114_END: &str = "<!-- heldout114:end -->";
const HELDOUT115_BEGIN: &str = "<!-- heldout115:begin -->";
const HELDOUT115_END: &str = "<!-- heldout115:end -->";
const HELDOUT116_BEGIN: &str = "<!-- heldout116:begin -->";
const HELDOUT116_END: &str = "<!-- heldout116:end -->";
const HELDOUT117_BEGIN: &str = "<!-- heldout117:begin -->";
const HELDOUT117_END: &str = "<!-- heldout117:end -->";
const HELDOUT118_BEGIN: &str = "<!-- heldout118:begin -->";
const HELDOUT118_END: &str = "<!-- heldout118:end -->";
const HELDOUT119_BEGIN: &str = "<!-- heldout119:begin -->";
const HELDOUT119_END: &str = "<!-- heldout119:end -->";
const HELDOUT120_BEGIN: &str = "<!-- heldout120:begin -->";
const HELDOUT120_END: &str = "<!-- heldout120:end -->";
const HELDOUT121_BEGIN: &str = "<!-- heldout121:begin -->";
const HELDOUT121_END: &str = "<!-- heldout121:end -->";
const HELDOUT122_BEGIN: &str = "<!-- heldout122:begin -->";
const HELDOUT122_END: &str = "<!-- heldout122:end -->";
const HELDOUT123_BEGIN: &str = "<!-- heldout123:begin -->";
const HELDOUT123_END: &str = "<!-- heldout123:end -->";
const HELDOUT124_BEGIN: &str = "<!-- heldout124:begin -->";
const HELDOUT124_END: &str = "<!-- heldout124:end -->";
const HELDOUT125_BEGIN: &str = "<!-- heldout125:begin -->";
const HELDOUT125_END: &str = "<!-- heldout125:end -->";
const HELDOUT126_BEGIN: &str = "<!-- heldout126:begin -->";
const HELDOUT126_END: &str = "<!-- heldout126:end -->";
const HELDOUT127_BEGIN: &str = "<!-- heldout127:begin -->";
const HELDOUT127_END: &str = "<!-- heldout127:end -->";
const HELDOUT128_BEGIN: &str = "<!-- heldout128:begin -->";
const HELDOUT128_END: &str = "<!-- heldout128:end -->";
const HELDOUT129_BEGIN: &str = "<!-- heldout129:begin -->";
const HELDOUT129_END: &str = "<!-- heldout129:end -->";
const HELDOUT130_BEGIN: &str = "<!-- heldout130:begin -->";
const HELDOUT130_END: &str = "<!-- heldout130:end -->";
const HELDOUT131_BEGIN: &str = "<!-- heldout131:begin -->";
const HELDOUT131_END: &str = "<!-- heldout131:end -->";
const HELDOUT132_BEGIN: &str = "<!-- heldout132:begin -->";
const HELDOUT132_END: &str = "<!-- heldout132:end -->";
const HELDOUT133_BEGIN: &str = "<!-- heldout133:begin -->";
const HELDOUT133_END: &str = "<!-- heldout133:end -->";
const HELDOUT134_BEGIN: &str = "<!-- heldout134:begin -->";
const HELDOUT134_END: &str = "<!-- heldout134:end -->";
const HELDOUT135_BEGIN: &str = "<!-- heldout135:begin -->";
const HELDOUT135_END: &str = "<!-- heldout135:end -->";
const HELDOUT136_BEGIN: &str = "<!-- heldout136:begin -->";
const HELDOUT136_END: &str = "<!-- heldout136:end -->";
const HELDOUT137_BEGIN: &str = "<!-- heldout137:begin -->";
const HELDOUT137_END: &str = "<!-- heldout137:end -->";
const HELDOUT138_BEGIN: &str = "<!-- heldout138:begin -->";
const HELDOUT138_END: &str = "<!-- heldout138:end -->";
const HELDOUT139_BEGIN: &str = "<!-- heldout139:begin -->";
const HELDOUT139_END: &str = "<!-- heldout139:end -->";
const HELDOUT140_BEGIN: &str = "<!-- heldout140:begin -->";
const HELDOUT140_END: &str = "<!-- heldout140:end -->";
const HELDOUT141_BEGIN: &str = "<!-- heldout141:begin -->";
const HELDOUT141_END: &str = "<!-- heldout141:end -->";
const HELDOUT142_BEGIN: &str = "<!-- heldout142:begin -->";
const HELDOUT142_END: &str = "<!-- heldout142:end -->";
const HELDOUT143_BEGIN: &str = "<!-- heldout143:begin -->";
const HELDOUT143_END: &str = "<!-- heldout143:end -->";
const HELDOUT144_BEGIN: &str = "<!-- heldout144:begin -->";
const HELDOUT144_END: &str = "<!-- heldout144:end -->";
const HELDOUT145_BEGIN: &str = "<!-- heldout145:begin -->";
const HELDOUT145_END: &str = "<!-- heldout145:end -->";
const HELDOUT146_BEGIN: &str = "<!-- heldout146:begin -->";
const HELDOUT146_END: &str = "<!-- heldout146:end -->";
const HELDOUT147_BEGIN: &str = "<!-- heldout147:begin -->";
const HELDOUT147_END: &str = "<!-- heldout147:end -->";
const HELDOUT148_BEGIN: &str = "<!-- heldout148:begin -->";
const HELDOUT148_END: &str = "<!-- heldout148:end -->";
const HELDOUT149_BEGIN: &str = "<!-- heldout149:begin -->";
const HELDOUT149_END: &str = "<!-- heldout149:end -->";
const HELDOUT150_BEGIN: &str = "<!-- heldout150:begin -->";
const HELDOUT150_END: &str = "<!-- heldout150:end -->";
const HELDOUT151_BEGIN: &str = "<!-- heldout151:begin -->";
const HELDOUT151_END: &str = "<!-- heldout151:end -->";
const HELDOUT152_BEGIN: &str = "<!-- heldout152:begin -->";
const HELDOUT152_END: &str = "<!-- heldout152:end -->";
const HELDOUT153_BEGIN: &str = "<!-- heldout153:begin -->";
const HELDOUT153_END: &str = "<!-- heldout153:end -->";
const HELDOUT154_BEGIN: &str = "<!-- heldout154:begin -->";
const HELDOUT154_END: &str = "<!-- heldout154:end -->";
const HELDOUT155_BEGIN: &str = "<!-- heldout155:begin -->";
const HELDOUT155_END: &str = "<!-- heldout155:end -->";
const HELDOUT156_BEGIN: &str = "<!-- heldout156:begin -->";
const HELDOUT156_END: &str = "<!-- heldout156:end -->";
const HELDOUT157_BEGIN: &str = "<!-- heldout157:begin -->";
const HELDOUT157_END: &str = "<!-- heldout157:end -->";
const HELDOUT158_BEGIN: &str = "<!-- heldout158:begin -->";
const HELDOUT158_END: &str = "<!-- heldout158:end -->";
const HELDOUT159_BEGIN: &str = "<!-- heldout159:begin -->";
const HELDOUT159_END: &str = "<!-- heldout159:end -->";
const HELDOUT160_BEGIN: &str = "<!-- heldout160:begin -->";
const HELDOUT160_END: &str = "<!-- heldout160:end -->";
const HELDOUT161_BEGIN: &str = "<!-- heldout161:begin -->";
const HELDOUT161_END: &str = "<!-- heldout161:end -->";

/// The scoreboards share one file and run in parallel: one writer at a time.
static DOC: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn update_doc(md: &str, begin: &str, end: &str) {
    let _one = DOC
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/diagnosis-corpus.md");
    let doc = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (Some(b), Some(e)) = (doc.find(begin), doc.find(end)) else {
        panic!(
            "{}: the {begin} … {end} markers are missing",
            path.display()
        );
    };
    let new = format!("{}{begin}\n{md}{}", &doc[..b], &doc[e..]);
    std::fs::write(&path, new).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// Loads `folder`, scores it, prints its scoreboard (and writes it between
/// `begin` and `end` with `DAY2_UPDATE_SCOREBOARD=1`); fails on malformed
/// incidents, healthy clusters over `healthy_ceiling` or accuracy under `floor`.
fn run_scoreboard(
    folder: &str,
    min_incidents: usize,
    floor: f64,
    healthy_ceiling: usize,
    (begin, end): (&str, &str),
) {
    let (corpus, errors) = load_corpus(folder);
    assert!(
        errors.is_empty(),
        "malformed incidents in {}:\n  {}",
        corpus_dir(folder).display(),
        errors.join("\n  ")
    );
    assert!(
        corpus.len() >= min_incidents,
        "{folder} holds {} incidents",
        corpus.len()
    );

    let results: Vec<(&Incident, Score)> = corpus
        .iter()
        .map(|(i, c)| (i, score(i, &diagnose(c))))
        .collect();
    let (md, all) = scoreboard(&results, floor);
    println!("{md}");
    if std::env::var_os("DAY2_UPDATE_SCOREBOARD").is_some_and(|v| v == "1") {
        update_doc(&md, begin, end);
    }

    let healthy_misses: Vec<&str> = results
        .iter()
        .filter(|(i, s)| matches!(i.expect, Expect::Healthy) && !s.pass)
        .map(|(i, _)| i.id.as_str())
        .collect();
    // The ceiling is 0 today, which makes `<=` read as `==` to clippy; it is a
    // named constant so that a future corpus can record a known miss.
    #[allow(clippy::absurd_extreme_comparisons)]
    let healthy_ok = healthy_misses.len() <= healthy_ceiling;
    assert!(
        healthy_ok,
        "healthy clusters got a diagnosis: {healthy_misses:?}\n{md}"
    );
    assert!(
        all.accuracy() + 1e-9 >= floor,
        "accuracy {:.3} of {folder} fell below the floor {floor}\n{md}",
        all.accuracy()
    );
}

#[test]
fn incident_corpus_scoreboard() {
    run_scoreboard(
        CORPUS,
        60,
        ACCURACY_FLOOR,
        HEALTHY_MISSES_CEILING,
        (BEGIN, END),
    );
}

/// The held-out incidents, scored on their own. Their floor guards against
/// regressions; the engine is not changed to make them pass (the few seen
/// while it was changed are listed in docs/diagnosis-corpus.md).
#[test]
fn heldout_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT,
        15,
        HELDOUT_ACCURACY_FLOOR,
        HELDOUT_HEALTHY_MISSES_CEILING,
        (HELDOUT_BEGIN, HELDOUT_END),
    );
}

/// The second held-out set, scored on its own by the same code. Its floor
/// guards against regressions; the engine is not changed to make it pass.
#[test]
fn heldout2_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT2,
        20,
        HELDOUT2_ACCURACY_FLOOR,
        HELDOUT2_HEALTHY_MISSES_CEILING,
        (HELDOUT2_BEGIN, HELDOUT2_END),
    );
}

/// The third set, scored on its own by the same code. Its floor guards
/// against regressions.
#[test]
fn heldout3_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT3,
        20,
        HELDOUT3_ACCURACY_FLOOR,
        HELDOUT3_HEALTHY_MISSES_CEILING,
        (HELDOUT3_BEGIN, HELDOUT3_END),
    );
}

/// The fourth held-out set, scored on its own by the same code. It has been
/// read while changing the engine: a development set, its floor a
/// regression guard.
#[test]
fn heldout4_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT4,
        20,
        HELDOUT4_ACCURACY_FLOOR,
        HELDOUT4_HEALTHY_MISSES_CEILING,
        (HELDOUT4_BEGIN, HELDOUT4_END),
    );
}

/// The fifth held-out set, scored on its own by the same code. It has been
/// read while changing the engine: a development set, its floor a
/// regression guard.
#[test]
fn heldout5_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT5,
        20,
        HELDOUT5_ACCURACY_FLOOR,
        HELDOUT5_HEALTHY_MISSES_CEILING,
        (HELDOUT5_BEGIN, HELDOUT5_END),
    );
}

/// The sixth held-out set, scored on its own by the same code. It has been
/// read while changing the engine: a development set, its floor a
/// regression guard.
#[test]
fn heldout6_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT6,
        20,
        HELDOUT6_ACCURACY_FLOOR,
        HELDOUT6_HEALTHY_MISSES_CEILING,
        (HELDOUT6_BEGIN, HELDOUT6_END),
    );
}

/// The seventh held-out set, scored on its own by the same code. It has been
/// read while changing the engine: a development set, its floor a
/// regression guard.
#[test]
fn heldout7_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT7,
        20,
        HELDOUT7_ACCURACY_FLOOR,
        HELDOUT7_HEALTHY_MISSES_CEILING,
        (HELDOUT7_BEGIN, HELDOUT7_END),
    );
}

/// The eighth held-out set, scored on its own by the same code; a
/// development set since its round, its floor guards against regressions.
#[test]
fn heldout8_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT8,
        20,
        HELDOUT8_ACCURACY_FLOOR,
        HELDOUT8_HEALTHY_MISSES_CEILING,
        (HELDOUT8_BEGIN, HELDOUT8_END),
    );
}

/// The ninth held-out set, scored on its own by the same code. Its floor
/// guards against regressions; the engine is not changed to make it pass.
#[test]
fn heldout9_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT9,
        20,
        HELDOUT9_ACCURACY_FLOOR,
        HELDOUT9_HEALTHY_MISSES_CEILING,
        (HELDOUT9_BEGIN, HELDOUT9_END),
    );
}

/// The tenth held-out set, scored on its own by the same code. Its floor
/// guards against regressions; the engine is not changed to make it pass.
#[test]
fn heldout10_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT10,
        20,
        HELDOUT10_ACCURACY_FLOOR,
        HELDOUT10_HEALTHY_MISSES_CEILING,
        (HELDOUT10_BEGIN, HELDOUT10_END),
    );
}

/// The eleventh held-out set, scored on its own by the same code. Its floor
/// guards against regressions; the engine is not changed to make it pass.
#[test]
fn heldout11_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT11,
        20,
        HELDOUT11_ACCURACY_FLOOR,
        HELDOUT11_HEALTHY_MISSES_CEILING,
        (HELDOUT11_BEGIN, HELDOUT11_END),
    );
}

/// The twelfth held-out set, scored on its own by the same code. Its floor
/// guards against regressions; the engine is not changed to make it pass.
#[test]
fn heldout12_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT12,
        20,
        HELDOUT12_ACCURACY_FLOOR,
        HELDOUT12_HEALTHY_MISSES_CEILING,
        (HELDOUT12_BEGIN, HELDOUT12_END),
    );
}

/// The thirteenth held-out set, scored on its own by the same code. Its floor
/// guards against regressions.
#[test]
fn heldout13_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT13,
        20,
        HELDOUT13_ACCURACY_FLOOR,
        HELDOUT13_HEALTHY_MISSES_CEILING,
        (HELDOUT13_BEGIN, HELDOUT13_END),
    );
}

/// The fourteenth held-out set, scored on its own by the same code. Its floor
/// guards against regressions.
#[test]
fn heldout14_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT14,
        20,
        HELDOUT14_ACCURACY_FLOOR,
        HELDOUT14_HEALTHY_MISSES_CEILING,
        (HELDOUT14_BEGIN, HELDOUT14_END),
    );
}

/// The fifteenth held-out set, scored on its own by the same code. Its floor
/// guards against regressions.
#[test]
fn heldout15_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT15,
        20,
        HELDOUT15_ACCURACY_FLOOR,
        HELDOUT15_HEALTHY_MISSES_CEILING,
        (HELDOUT15_BEGIN, HELDOUT15_END),
    );
}

/// The sixteenth held-out set, scored on its own by the same code.
#[test]
fn heldout16_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT16,
        20,
        HELDOUT16_ACCURACY_FLOOR,
        HELDOUT16_HEALTHY_MISSES_CEILING,
        (HELDOUT16_BEGIN, HELDOUT16_END),
    );
}

/// The seventeenth held-out set, scored on its own by the same code.
#[test]
fn heldout17_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT17,
        20,
        HELDOUT17_ACCURACY_FLOOR,
        HELDOUT17_HEALTHY_MISSES_CEILING,
        (HELDOUT17_BEGIN, HELDOUT17_END),
    );
}

/// The eighteenth held-out set, scored on its own by the same code.
#[test]
fn heldout18_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT18,
        20,
        HELDOUT18_ACCURACY_FLOOR,
        HELDOUT18_HEALTHY_MISSES_CEILING,
        (HELDOUT18_BEGIN, HELDOUT18_END),
    );
}

/// The nineteenth held-out set, scored on its own by the same code.
#[test]
fn heldout19_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT19,
        20,
        HELDOUT19_ACCURACY_FLOOR,
        HELDOUT19_HEALTHY_MISSES_CEILING,
        (HELDOUT19_BEGIN, HELDOUT19_END),
    );
}

/// The twentieth held-out set, scored on its own by the same code.
#[test]
fn heldout20_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT20,
        20,
        HELDOUT20_ACCURACY_FLOOR,
        HELDOUT20_HEALTHY_MISSES_CEILING,
        (HELDOUT20_BEGIN, HELDOUT20_END),
    );
}

/// The twenty-first held-out set, scored on its own by the same code.
#[test]
fn heldout21_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT21,
        16,
        HELDOUT21_ACCURACY_FLOOR,
        HELDOUT21_HEALTHY_MISSES_CEILING,
        (HELDOUT21_BEGIN, HELDOUT21_END),
    );
}

/// The twenty-second held-out set, scored on its own by the same code.
#[test]
fn heldout22_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT22,
        20,
        HELDOUT22_ACCURACY_FLOOR,
        HELDOUT22_HEALTHY_MISSES_CEILING,
        (HELDOUT22_BEGIN, HELDOUT22_END),
    );
}

/// The twenty-third held-out set, scored on its own by the same code.
#[test]
fn heldout23_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT23,
        18,
        HELDOUT23_ACCURACY_FLOOR,
        HELDOUT23_HEALTHY_MISSES_CEILING,
        (HELDOUT23_BEGIN, HELDOUT23_END),
    );
}

/// The twenty-fourth held-out set, scored on its own by the same code.
#[test]
fn heldout24_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT24,
        18,
        HELDOUT24_ACCURACY_FLOOR,
        HELDOUT24_HEALTHY_MISSES_CEILING,
        (HELDOUT24_BEGIN, HELDOUT24_END),
    );
}

/// The twenty-fifth held-out set, scored on its own by the same code.
#[test]
fn heldout25_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT25,
        16,
        HELDOUT25_ACCURACY_FLOOR,
        HELDOUT25_HEALTHY_MISSES_CEILING,
        (HELDOUT25_BEGIN, HELDOUT25_END),
    );
}

/// The twenty-sixth held-out set, scored on its own by the same code.
#[test]
fn heldout26_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT26,
        18,
        HELDOUT26_ACCURACY_FLOOR,
        HELDOUT26_HEALTHY_MISSES_CEILING,
        (HELDOUT26_BEGIN, HELDOUT26_END),
    );
}

/// The twenty-seventh held-out set, scored on its own by the same code.
#[test]
fn heldout27_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT27,
        17,
        HELDOUT27_ACCURACY_FLOOR,
        HELDOUT27_HEALTHY_MISSES_CEILING,
        (HELDOUT27_BEGIN, HELDOUT27_END),
    );
}

/// The twenty-eighth held-out set, scored on its own by the same code.
#[test]
fn heldout28_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT28,
        18,
        HELDOUT28_ACCURACY_FLOOR,
        HELDOUT28_HEALTHY_MISSES_CEILING,
        (HELDOUT28_BEGIN, HELDOUT28_END),
    );
}

/// The twenty-ninth held-out set, scored on its own by the same code.
#[test]
fn heldout29_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT29,
        18,
        HELDOUT29_ACCURACY_FLOOR,
        HELDOUT29_HEALTHY_MISSES_CEILING,
        (HELDOUT29_BEGIN, HELDOUT29_END),
    );
}

/// The thirtieth held-out set, scored on its own by the same code.
#[test]
fn heldout30_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT30,
        18,
        HELDOUT30_ACCURACY_FLOOR,
        HELDOUT30_HEALTHY_MISSES_CEILING,
        (HELDOUT30_BEGIN, HELDOUT30_END),
    );
}

/// The thirty-first held-out set, scored on its own by the same code.
#[test]
fn heldout31_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT31,
        16,
        HELDOUT31_ACCURACY_FLOOR,
        HELDOUT31_HEALTHY_MISSES_CEILING,
        (HELDOUT31_BEGIN, HELDOUT31_END),
    );
}

/// The thirty-second held-out set, scored on its own by the same code.
#[test]
fn heldout32_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT32,
        18,
        HELDOUT32_ACCURACY_FLOOR,
        HELDOUT32_HEALTHY_MISSES_CEILING,
        (HELDOUT32_BEGIN, HELDOUT32_END),
    );
}

/// The thirty-third held-out set, scored on its own by the same code.
#[test]
fn heldout33_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT33,
        18,
        HELDOUT33_ACCURACY_FLOOR,
        HELDOUT33_HEALTHY_MISSES_CEILING,
        (HELDOUT33_BEGIN, HELDOUT33_END),
    );
}

/// The thirty-fourth held-out set, scored on its own by the same code.
#[test]
fn heldout34_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT34,
        18,
        HELDOUT34_ACCURACY_FLOOR,
        HELDOUT34_HEALTHY_MISSES_CEILING,
        (HELDOUT34_BEGIN, HELDOUT34_END),
    );
}

/// The thirty-fifth held-out set, scored on its own by the same code.
#[test]
fn heldout35_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT35,
        14,
        HELDOUT35_ACCURACY_FLOOR,
        HELDOUT35_HEALTHY_MISSES_CEILING,
        (HELDOUT35_BEGIN, HELDOUT35_END),
    );
}

/// The thirty-sixth held-out set, scored on its own by the same code.
#[test]
fn heldout36_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT36,
        14,
        HELDOUT36_ACCURACY_FLOOR,
        HELDOUT36_HEALTHY_MISSES_CEILING,
        (HELDOUT36_BEGIN, HELDOUT36_END),
    );
}

/// The thirty-seventh held-out set, scored on its own by the same code.
#[test]
fn heldout37_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT37,
        18,
        HELDOUT37_ACCURACY_FLOOR,
        HELDOUT37_HEALTHY_MISSES_CEILING,
        (HELDOUT37_BEGIN, HELDOUT37_END),
    );
}

/// The thirty-eighth held-out set, scored on its own by the same code.
#[test]
fn heldout38_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT38,
        16,
        HELDOUT38_ACCURACY_FLOOR,
        HELDOUT38_HEALTHY_MISSES_CEILING,
        (HELDOUT38_BEGIN, HELDOUT38_END),
    );
}

/// The thirty-ninth held-out set, scored on its own by the same code.
#[test]
fn heldout39_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT39,
        18,
        HELDOUT39_ACCURACY_FLOOR,
        HELDOUT39_HEALTHY_MISSES_CEILING,
        (HELDOUT39_BEGIN, HELDOUT39_END),
    );
}

/// The fortieth held-out set, scored on its own by the same code.
#[test]
fn heldout40_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT40,
        16,
        HELDOUT40_ACCURACY_FLOOR,
        HELDOUT40_HEALTHY_MISSES_CEILING,
        (HELDOUT40_BEGIN, HELDOUT40_END),
    );
}

/// The forty-first held-out set, scored on its own by the same code.
#[test]
fn heldout41_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT41,
        14,
        HELDOUT41_ACCURACY_FLOOR,
        HELDOUT41_HEALTHY_MISSES_CEILING,
        (HELDOUT41_BEGIN, HELDOUT41_END),
    );
}

/// The forty-second held-out set, scored on its own by the same code.
#[test]
fn heldout42_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT42,
        17,
        HELDOUT42_ACCURACY_FLOOR,
        HELDOUT42_HEALTHY_MISSES_CEILING,
        (HELDOUT42_BEGIN, HELDOUT42_END),
    );
}

/// The forty-third held-out set, scored on its own by the same code.
#[test]
fn heldout43_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT43,
        18,
        HELDOUT43_ACCURACY_FLOOR,
        HELDOUT43_HEALTHY_MISSES_CEILING,
        (HELDOUT43_BEGIN, HELDOUT43_END),
    );
}

/// The forty-fourth held-out set, scored on its own by the same code.
#[test]
fn heldout44_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT44,
        16,
        HELDOUT44_ACCURACY_FLOOR,
        HELDOUT44_HEALTHY_MISSES_CEILING,
        (HELDOUT44_BEGIN, HELDOUT44_END),
    );
}

/// The forty-fifth held-out set, scored on its own by the same code.
#[test]
fn heldout45_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT45,
        15,
        HELDOUT45_ACCURACY_FLOOR,
        HELDOUT45_HEALTHY_MISSES_CEILING,
        (HELDOUT45_BEGIN, HELDOUT45_END),
    );
}

/// The forty-sixth held-out set, scored on its own by the same code.
#[test]
fn heldout46_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT46,
        16,
        HELDOUT46_ACCURACY_FLOOR,
        HELDOUT46_HEALTHY_MISSES_CEILING,
        (HELDOUT46_BEGIN, HELDOUT46_END),
    );
}

/// The forty-seventh held-out set, scored on its own by the same code.
#[test]
fn heldout47_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT47,
        18,
        HELDOUT47_ACCURACY_FLOOR,
        HELDOUT47_HEALTHY_MISSES_CEILING,
        (HELDOUT47_BEGIN, HELDOUT47_END),
    );
}

/// The forty-eighth held-out set, scored on its own by the same code.
#[test]
fn heldout48_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT48,
        15,
        HELDOUT48_ACCURACY_FLOOR,
        HELDOUT48_HEALTHY_MISSES_CEILING,
        (HELDOUT48_BEGIN, HELDOUT48_END),
    );
}

/// The forty-ninth held-out set, scored on its own by the same code.
#[test]
fn heldout49_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT49,
        16,
        HELDOUT49_ACCURACY_FLOOR,
        HELDOUT49_HEALTHY_MISSES_CEILING,
        (HELDOUT49_BEGIN, HELDOUT49_END),
    );
}

/// The fiftieth held-out set, scored on its own by the same code.
#[test]
fn heldout50_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT50,
        14,
        HELDOUT50_ACCURACY_FLOOR,
        HELDOUT50_HEALTHY_MISSES_CEILING,
        (HELDOUT50_BEGIN, HELDOUT50_END),
    );
}

/// The fifty-first held-out set, scored on its own by the same code.
#[test]
fn heldout51_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT51,
        17,
        HELDOUT51_ACCURACY_FLOOR,
        HELDOUT51_HEALTHY_MISSES_CEILING,
        (HELDOUT51_BEGIN, HELDOUT51_END),
    );
}

/// The fifty-second held-out set, scored on its own by the same code.
#[test]
fn heldout52_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT52,
        15,
        HELDOUT52_ACCURACY_FLOOR,
        HELDOUT52_HEALTHY_MISSES_CEILING,
        (HELDOUT52_BEGIN, HELDOUT52_END),
    );
}

/// The fifty-third held-out set, scored on its own by the same code.
#[test]
fn heldout53_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT53,
        14,
        HELDOUT53_ACCURACY_FLOOR,
        HELDOUT53_HEALTHY_MISSES_CEILING,
        (HELDOUT53_BEGIN, HELDOUT53_END),
    );
}

/// The fifty-fourth held-out set, scored on its own by the same code.
#[test]
fn heldout54_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT54,
        18,
        HELDOUT54_ACCURACY_FLOOR,
        HELDOUT54_HEALTHY_MISSES_CEILING,
        (HELDOUT54_BEGIN, HELDOUT54_END),
    );
}

/// The fifty-fifth held-out set, scored on its own by the same code.
#[test]
fn heldout55_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT55,
        18,
        HELDOUT55_ACCURACY_FLOOR,
        HELDOUT55_HEALTHY_MISSES_CEILING,
        (HELDOUT55_BEGIN, HELDOUT55_END),
    );
}

/// The fifty-sixth held-out set, scored on its own by the same code.
#[test]
fn heldout56_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT56,
        16,
        HELDOUT56_ACCURACY_FLOOR,
        HELDOUT56_HEALTHY_MISSES_CEILING,
        (HELDOUT56_BEGIN, HELDOUT56_END),
    );
}

/// The fifty-seventh held-out set, scored on its own by the same code.
#[test]
fn heldout57_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT57,
        14,
        HELDOUT57_ACCURACY_FLOOR,
        HELDOUT57_HEALTHY_MISSES_CEILING,
        (HELDOUT57_BEGIN, HELDOUT57_END),
    );
}

/// The fifty-eighth held-out set, scored on its own by the same code.
#[test]
fn heldout58_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT58,
        14,
        HELDOUT58_ACCURACY_FLOOR,
        HELDOUT58_HEALTHY_MISSES_CEILING,
        (HELDOUT58_BEGIN, HELDOUT58_END),
    );
}

/// The fifty-ninth held-out set, scored on its own by the same code.
#[test]
fn heldout59_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT59,
        14,
        HELDOUT59_ACCURACY_FLOOR,
        HELDOUT59_HEALTHY_MISSES_CEILING,
        (HELDOUT59_BEGIN, HELDOUT59_END),
    );
}

/// The sixtieth held-out set, scored on its own by the same code.
#[test]
fn heldout60_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT60,
        16,
        HELDOUT60_ACCURACY_FLOOR,
        HELDOUT60_HEALTHY_MISSES_CEILING,
        (HELDOUT60_BEGIN, HELDOUT60_END),
    );
}

/// The sixty-first held-out set, scored on its own by the same code.
#[test]
fn heldout61_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT61,
        15,
        HELDOUT61_ACCURACY_FLOOR,
        HELDOUT61_HEALTHY_MISSES_CEILING,
        (HELDOUT61_BEGIN, HELDOUT61_END),
    );
}

/// The sixty-second held-out set, scored on its own by the same code.
#[test]
fn heldout62_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT62,
        14,
        HELDOUT62_ACCURACY_FLOOR,
        HELDOUT62_HEALTHY_MISSES_CEILING,
        (HELDOUT62_BEGIN, HELDOUT62_END),
    );
}

/// The sixty-third held-out set, scored on its own by the same code.
#[test]
fn heldout63_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT63,
        15,
        HELDOUT63_ACCURACY_FLOOR,
        HELDOUT63_HEALTHY_MISSES_CEILING,
        (HELDOUT63_BEGIN, HELDOUT63_END),
    );
}

/// The sixty-fourth held-out set, scored on its own by the same code.
#[test]
fn heldout64_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT64,
        15,
        HELDOUT64_ACCURACY_FLOOR,
        HELDOUT64_HEALTHY_MISSES_CEILING,
        (HELDOUT64_BEGIN, HELDOUT64_END),
    );
}

/// The sixty-fifth held-out set, scored on its own by the same code.
#[test]
fn heldout65_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT65,
        14,
        HELDOUT65_ACCURACY_FLOOR,
        HELDOUT65_HEALTHY_MISSES_CEILING,
        (HELDOUT65_BEGIN, HELDOUT65_END),
    );
}

/// The sixty-sixth held-out set, scored on its own by the same code.
#[test]
fn heldout66_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT66,
        14,
        HELDOUT66_ACCURACY_FLOOR,
        HELDOUT66_HEALTHY_MISSES_CEILING,
        (HELDOUT66_BEGIN, HELDOUT66_END),
    );
}

/// The sixty-seventh held-out set, scored on its own by the same code.
#[test]
fn heldout67_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT67,
        15,
        HELDOUT67_ACCURACY_FLOOR,
        HELDOUT67_HEALTHY_MISSES_CEILING,
        (HELDOUT67_BEGIN, HELDOUT67_END),
    );
}

/// The sixty-eighth held-out set, scored on its own by the same code.
#[test]
fn heldout68_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT68,
        14,
        HELDOUT68_ACCURACY_FLOOR,
        HELDOUT68_HEALTHY_MISSES_CEILING,
        (HELDOUT68_BEGIN, HELDOUT68_END),
    );
}

/// The sixty-ninth held-out set, scored on its own by the same code.
#[test]
fn heldout69_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT69,
        14,
        HELDOUT69_ACCURACY_FLOOR,
        HELDOUT69_HEALTHY_MISSES_CEILING,
        (HELDOUT69_BEGIN, HELDOUT69_END),
    );
}

/// The seventieth held-out set, scored on its own by the same code.
#[test]
fn heldout70_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT70,
        14,
        HELDOUT70_ACCURACY_FLOOR,
        HELDOUT70_HEALTHY_MISSES_CEILING,
        (HELDOUT70_BEGIN, HELDOUT70_END),
    );
}

/// The seventy-first held-out set, scored on its own by the same code.
#[test]
fn heldout71_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT71,
        15,
        HELDOUT71_ACCURACY_FLOOR,
        HELDOUT71_HEALTHY_MISSES_CEILING,
        (HELDOUT71_BEGIN, HELDOUT71_END),
    );
}

/// The seventy-second held-out set, scored on its own by the same code.
#[test]
fn heldout72_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT72,
        14,
        HELDOUT72_ACCURACY_FLOOR,
        HELDOUT72_HEALTHY_MISSES_CEILING,
        (HELDOUT72_BEGIN, HELDOUT72_END),
    );
}

/// The seventy-third held-out set, scored on its own by the same code.
#[test]
fn heldout73_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT73,
        14,
        HELDOUT73_ACCURACY_FLOOR,
        HELDOUT73_HEALTHY_MISSES_CEILING,
        (HELDOUT73_BEGIN, HELDOUT73_END),
    );
}

/// The seventy-fourth held-out set, scored on its own by the same code.
#[test]
fn heldout74_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT74,
        14,
        HELDOUT74_ACCURACY_FLOOR,
        HELDOUT74_HEALTHY_MISSES_CEILING,
        (HELDOUT74_BEGIN, HELDOUT74_END),
    );
}

/// The seventy-fifth held-out set, scored on its own by the same code.
#[test]
fn heldout75_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT75,
        15,
        HELDOUT75_ACCURACY_FLOOR,
        HELDOUT75_HEALTHY_MISSES_CEILING,
        (HELDOUT75_BEGIN, HELDOUT75_END),
    );
}

/// The seventy-sixth held-out set, scored on its own by the same code.
#[test]
fn heldout76_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT76,
        14,
        HELDOUT76_ACCURACY_FLOOR,
        HELDOUT76_HEALTHY_MISSES_CEILING,
        (HELDOUT76_BEGIN, HELDOUT76_END),
    );
}

/// The seventy-seventh held-out set, scored on its own by the same code.
#[test]
fn heldout77_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT77,
        15,
        HELDOUT77_ACCURACY_FLOOR,
        HELDOUT77_HEALTHY_MISSES_CEILING,
        (HELDOUT77_BEGIN, HELDOUT77_END),
    );
}

/// The seventy-eighth held-out set, scored on its own by the same code.
#[test]
fn heldout78_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT78,
        14,
        HELDOUT78_ACCURACY_FLOOR,
        HELDOUT78_HEALTHY_MISSES_CEILING,
        (HELDOUT78_BEGIN, HELDOUT78_END),
    );
}

/// The seventy-ninth held-out set, scored on its own by the same code.
#[test]
fn heldout79_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT79,
        15,
        HELDOUT79_ACCURACY_FLOOR,
        HELDOUT79_HEALTHY_MISSES_CEILING,
        (HELDOUT79_BEGIN, HELDOUT79_END),
    );
}

/// The eightieth held-out set, scored on its own by the same code.
#[test]
fn heldout80_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT80,
        14,
        HELDOUT80_ACCURACY_FLOOR,
        HELDOUT80_HEALTHY_MISSES_CEILING,
        (HELDOUT80_BEGIN, HELDOUT80_END),
    );
}

/// The eighty-first held-out set, scored on its own by the same code.
#[test]
fn heldout81_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT81,
        18,
        HELDOUT81_ACCURACY_FLOOR,
        HELDOUT81_HEALTHY_MISSES_CEILING,
        (HELDOUT81_BEGIN, HELDOUT81_END),
    );
}

/// The eighty-second held-out set, scored on its own by the same code.
#[test]
fn heldout82_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT82,
        14,
        HELDOUT82_ACCURACY_FLOOR,
        HELDOUT82_HEALTHY_MISSES_CEILING,
        (HELDOUT82_BEGIN, HELDOUT82_END),
    );
}

/// The eighty-third held-out set, scored on its own by the same code.
#[test]
fn heldout83_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT83,
        14,
        HELDOUT83_ACCURACY_FLOOR,
        HELDOUT83_HEALTHY_MISSES_CEILING,
        (HELDOUT83_BEGIN, HELDOUT83_END),
    );
}

/// The eighty-fourth held-out set, scored on its own by the same code.
#[test]
fn heldout84_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT84,
        14,
        HELDOUT84_ACCURACY_FLOOR,
        HELDOUT84_HEALTHY_MISSES_CEILING,
        (HELDOUT84_BEGIN, HELDOUT84_END),
    );
}

/// The eighty-fifth held-out set, scored on its own by the same code.
#[test]
fn heldout85_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT85,
        14,
        HELDOUT85_ACCURACY_FLOOR,
        HELDOUT85_HEALTHY_MISSES_CEILING,
        (HELDOUT85_BEGIN, HELDOUT85_END),
    );
}

/// The eighty-sixth held-out set, scored on its own by the same code.
#[test]
fn heldout86_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT86,
        7,
        HELDOUT86_ACCURACY_FLOOR,
        HELDOUT86_HEALTHY_MISSES_CEILING,
        (HELDOUT86_BEGIN, HELDOUT86_END),
    );
}

/// The eighty-seventh held-out set, scored on its own by the same code.
#[test]
fn heldout87_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT87,
        14,
        HELDOUT87_ACCURACY_FLOOR,
        HELDOUT87_HEALTHY_MISSES_CEILING,
        (HELDOUT87_BEGIN, HELDOUT87_END),
    );
}

/// The eighty-eighth held-out set, scored on its own by the same code.
#[test]
fn heldout88_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT88,
        14,
        HELDOUT88_ACCURACY_FLOOR,
        HELDOUT88_HEALTHY_MISSES_CEILING,
        (HELDOUT88_BEGIN, HELDOUT88_END),
    );
}

/// The eighty-ninth held-out set, scored on its own by the same code.
#[test]
fn heldout89_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT89,
        14,
        HELDOUT89_ACCURACY_FLOOR,
        HELDOUT89_HEALTHY_MISSES_CEILING,
        (HELDOUT89_BEGIN, HELDOUT89_END),
    );
}

/// The ninetieth held-out set, scored on its own by the same code.
#[test]
fn heldout90_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT90,
        14,
        HELDOUT90_ACCURACY_FLOOR,
        HELDOUT90_HEALTHY_MISSES_CEILING,
        (HELDOUT90_BEGIN, HELDOUT90_END),
    );
}

/// The ninety-first held-out set, scored on its own by the same code.
#[test]
fn heldout91_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT91,
        13,
        HELDOUT91_ACCURACY_FLOOR,
        HELDOUT91_HEALTHY_MISSES_CEILING,
        (HELDOUT91_BEGIN, HELDOUT91_END),
    );
}

/// The ninety-second held-out set, scored on its own by the same code.
#[test]
fn heldout92_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT92,
        14,
        HELDOUT92_ACCURACY_FLOOR,
        HELDOUT92_HEALTHY_MISSES_CEILING,
        (HELDOUT92_BEGIN, HELDOUT92_END),
    );
}

/// The ninety-third held-out set, scored on its own by the same code.
#[test]
fn heldout93_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT93,
        14,
        HELDOUT93_ACCURACY_FLOOR,
        HELDOUT93_HEALTHY_MISSES_CEILING,
        (HELDOUT93_BEGIN, HELDOUT93_END),
    );
}

/// The ninety-fourth held-out set, scored on its own by the same code.
#[test]
fn heldout94_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT94,
        12,
        HELDOUT94_ACCURACY_FLOOR,
        HELDOUT94_HEALTHY_MISSES_CEILING,
        (HELDOUT94_BEGIN, HELDOUT94_END),
    );
}

/// The ninety-fifth held-out set, scored on its own by the same code.
#[test]
fn heldout95_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT95,
        14,
        HELDOUT95_ACCURACY_FLOOR,
        HELDOUT95_HEALTHY_MISSES_CEILING,
        (HELDOUT95_BEGIN, HELDOUT95_END),
    );
}

/// The ninety-sixth held-out set, scored on its own by the same code.
#[test]
fn heldout96_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT96,
        14,
        HELDOUT96_ACCURACY_FLOOR,
        HELDOUT96_HEALTHY_MISSES_CEILING,
        (HELDOUT96_BEGIN, HELDOUT96_END),
    );
}

/// The ninety-seventh held-out set, scored on its own by the same code.
#[test]
fn heldout97_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT97,
        14,
        HELDOUT97_ACCURACY_FLOOR,
        HELDOUT97_HEALTHY_MISSES_CEILING,
        (HELDOUT97_BEGIN, HELDOUT97_END),
    );
}

/// The ninety-eighth held-out set, scored on its own by the same code.
#[test]
fn heldout98_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT98,
        14,
        HELDOUT98_ACCURACY_FLOOR,
        HELDOUT98_HEALTHY_MISSES_CEILING,
        (HELDOUT98_BEGIN, HELDOUT98_END),
    );
}

/// The ninety-ninth held-out set, scored on its own by the same code.
#[test]
fn heldout99_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT99,
        14,
        HELDOUT99_ACCURACY_FLOOR,
        HELDOUT99_HEALTHY_MISSES_CEILING,
        (HELDOUT99_BEGIN, HELDOUT99_END),
    );
}

/// The hundredth held-out set, scored on its own by the same code.
#[test]
fn heldout100_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT100,
        14,
        HELDOUT100_ACCURACY_FLOOR,
        HELDOUT100_HEALTHY_MISSES_CEILING,
        (HELDOUT100_BEGIN, HELDOUT100_END),
    );
}

/// The hundred-and-first held-out set, scored on its own by the same code.
#[test]
fn heldout101_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT101,
        15,
        HELDOUT101_ACCURACY_FLOOR,
        HELDOUT101_HEALTHY_MISSES_CEILING,
        (HELDOUT101_BEGIN, HELDOUT101_END),
    );
}

/// The hundred-and-second held-out set, scored on its own by the same code.
#[test]
fn heldout102_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT102,
        12,
        HELDOUT102_ACCURACY_FLOOR,
        HELDOUT102_HEALTHY_MISSES_CEILING,
        (HELDOUT102_BEGIN, HELDOUT102_END),
    );
}

/// The hundred-and-third held-out set, scored on its own by the same code.
#[test]
fn heldout103_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT103,
        14,
        HELDOUT103_ACCURACY_FLOOR,
        HELDOUT103_HEALTHY_MISSES_CEILING,
        (HELDOUT103_BEGIN, HELDOUT103_END),
    );
}

/// The hundred-and-fourth held-out set, scored on its own by the same code.
#[test]
fn heldout104_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT104,
        13,
        HELDOUT104_ACCURACY_FLOOR,
        HELDOUT104_HEALTHY_MISSES_CEILING,
        (HELDOUT104_BEGIN, HELDOUT104_END),
    );
}

/// The hundred-and-fifth held-out set, scored on its own by the same code.
#[test]
fn heldout105_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT105,
        14,
        HELDOUT105_ACCURACY_FLOOR,
        HELDOUT105_HEALTHY_MISSES_CEILING,
        (HELDOUT105_BEGIN, HELDOUT105_END),
    );
}

/// The hundred-and-sixth held-out set, scored on its own by the same code.
#[test]
fn heldout106_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT106,
        14,
        HELDOUT106_ACCURACY_FLOOR,
        HELDOUT106_HEALTHY_MISSES_CEILING,
        (HELDOUT106_BEGIN, HELDOUT106_END),
    );
}

/// The hundred-and-seventh held-out set, scored on its own by the same code.
#[test]
fn heldout107_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT107,
        12,
        HELDOUT107_ACCURACY_FLOOR,
        HELDOUT107_HEALTHY_MISSES_CEILING,
        (HELDOUT107_BEGIN, HELDOUT107_END),
    );
}

/// The hundred-and-eighth held-out set, scored on its own by the same code.
#[test]
fn heldout108_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT108,
        14,
        HELDOUT108_ACCURACY_FLOOR,
        HELDOUT108_HEALTHY_MISSES_CEILING,
        (HELDOUT108_BEGIN, HELDOUT108_END),
    );
}

/// The hundred-and-ninth held-out set, scored on its own by the same code.
#[test]
fn heldout109_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT109,
        14,
        HELDOUT109_ACCURACY_FLOOR,
        HELDOUT109_HEALTHY_MISSES_CEILING,
        (HELDOUT109_BEGIN, HELDOUT109_END),
    );
}

/// The hundred-and-tenth held-out set, scored on its own by the same code.
#[test]
fn heldout110_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT110,
        14,
        HELDOUT110_ACCURACY_FLOOR,
        HELDOUT110_HEALTHY_MISSES_CEILING,
        (HELDOUT110_BEGIN, HELDOUT110_END),
    );
}

/// The hundred-and-eleventh held-out set, scored on its own by the same code.
#[test]
fn heldout111_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT111,
        14,
        HELDOUT111_ACCURACY_FLOOR,
        HELDOUT111_HEALTHY_MISSES_CEILING,
        (HELDOUT111_BEGIN, HELDOUT111_END),
    );
}

/// The hundred-and-twelfth held-out set, scored on its own by the same code.
#[test]
fn heldout112_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT112,
        14,
        HELDOUT112_ACCURACY_FLOOR,
        HELDOUT112_HEALTHY_MISSES_CEILING,
        (HELDOUT112_BEGIN, HELDOUT112_END),
    );
}

/// The hundred-and-thirteenth held-out set, scored on its own by the same code.
#[test]
fn heldout113_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT113,
        13,
        HELDOUT113_ACCURACY_FLOOR,
        HELDOUT113_HEALTHY_MISSES_CEILING,
        (HELDOUT113_BEGIN, HELDOUT113_END),
    );
}

/// The hundred-and-fourteenth held-out set, scored on its own by the same code.
#[test]
fn heldout114_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT114,
        14,
        HELDOUT114_ACCURACY_FLOOR,
        HELDOUT114_HEALTHY_MISSES_CEILING,
        (HELDOUT114_BEGIN, HELDOUT114_END),
    );
}

/// The hundred-and-fifteenth held-out set, scored on its own by the same code.
#[test]
fn heldout115_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT115,
        14,
        HELDOUT115_ACCURACY_FLOOR,
        HELDOUT115_HEALTHY_MISSES_CEILING,
        (HELDOUT115_BEGIN, HELDOUT115_END),
    );
}

/// The hundred-and-sixteenth held-out set, scored on its own by the same code.
#[test]
fn heldout116_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT116,
        14,
        HELDOUT116_ACCURACY_FLOOR,
        HELDOUT116_HEALTHY_MISSES_CEILING,
        (HELDOUT116_BEGIN, HELDOUT116_END),
    );
}

/// The hundred-and-seventeenth held-out set, scored on its own by the same code.
#[test]
fn heldout117_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT117,
        14,
        HELDOUT117_ACCURACY_FLOOR,
        HELDOUT117_HEALTHY_MISSES_CEILING,
        (HELDOUT117_BEGIN, HELDOUT117_END),
    );
}

/// The hundred-and-eighteenth held-out set, scored on its own by the same code.
#[test]
fn heldout118_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT118,
        14,
        HELDOUT118_ACCURACY_FLOOR,
        HELDOUT118_HEALTHY_MISSES_CEILING,
        (HELDOUT118_BEGIN, HELDOUT118_END),
    );
}

/// The hundred-and-nineteenth held-out set, scored on its own by the same code.
#[test]
fn heldout119_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT119,
        14,
        HELDOUT119_ACCURACY_FLOOR,
        HELDOUT119_HEALTHY_MISSES_CEILING,
        (HELDOUT119_BEGIN, HELDOUT119_END),
    );
}

/// The hundred-and-twentieth held-out set, scored on its own by the same code.
#[test]
fn heldout120_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT120,
        14,
        HELDOUT120_ACCURACY_FLOOR,
        HELDOUT120_HEALTHY_MISSES_CEILING,
        (HELDOUT120_BEGIN, HELDOUT120_END),
    );
}

/// The hundred-and-twenty-first held-out set, scored on its own by the same code.
#[test]
fn heldout121_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT121,
        14,
        HELDOUT121_ACCURACY_FLOOR,
        HELDOUT121_HEALTHY_MISSES_CEILING,
        (HELDOUT121_BEGIN, HELDOUT121_END),
    );
}

/// The hundred-and-twenty-second held-out set, scored on its own by the same code.
#[test]
fn heldout122_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT122,
        13,
        HELDOUT122_ACCURACY_FLOOR,
        HELDOUT122_HEALTHY_MISSES_CEILING,
        (HELDOUT122_BEGIN, HELDOUT122_END),
    );
}

/// The hundred-and-twenty-third held-out set, scored on its own by the same code.
#[test]
fn heldout123_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT123,
        14,
        HELDOUT123_ACCURACY_FLOOR,
        HELDOUT123_HEALTHY_MISSES_CEILING,
        (HELDOUT123_BEGIN, HELDOUT123_END),
    );
}

/// The hundred-and-twenty-fourth held-out set, scored on its own by the same code.
#[test]
fn heldout124_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT124,
        14,
        HELDOUT124_ACCURACY_FLOOR,
        HELDOUT124_HEALTHY_MISSES_CEILING,
        (HELDOUT124_BEGIN, HELDOUT124_END),
    );
}

/// The hundred-and-twenty-fifth held-out set, scored on its own by the same code.
#[test]
fn heldout125_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT125,
        14,
        HELDOUT125_ACCURACY_FLOOR,
        HELDOUT125_HEALTHY_MISSES_CEILING,
        (HELDOUT125_BEGIN, HELDOUT125_END),
    );
}

/// The hundred-and-twenty-sixth held-out set, scored on its own by the same code.
#[test]
fn heldout126_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT126,
        14,
        HELDOUT126_ACCURACY_FLOOR,
        HELDOUT126_HEALTHY_MISSES_CEILING,
        (HELDOUT126_BEGIN, HELDOUT126_END),
    );
}

/// The hundred-and-twenty-seventh held-out set, scored on its own by the same code.
#[test]
fn heldout127_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT127,
        14,
        HELDOUT127_ACCURACY_FLOOR,
        HELDOUT127_HEALTHY_MISSES_CEILING,
        (HELDOUT127_BEGIN, HELDOUT127_END),
    );
}

/// The hundred-and-twenty-eighth held-out set, scored on its own by the same code.
#[test]
fn heldout128_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT128,
        14,
        HELDOUT128_ACCURACY_FLOOR,
        HELDOUT128_HEALTHY_MISSES_CEILING,
        (HELDOUT128_BEGIN, HELDOUT128_END),
    );
}

/// The hundred-and-twenty-ninth held-out set, scored on its own by the same code.
#[test]
fn heldout129_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT129,
        14,
        HELDOUT129_ACCURACY_FLOOR,
        HELDOUT129_HEALTHY_MISSES_CEILING,
        (HELDOUT129_BEGIN, HELDOUT129_END),
    );
}

/// The hundred-and-thirtieth held-out set, scored on its own by the same code.
#[test]
fn heldout130_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT130,
        14,
        HELDOUT130_ACCURACY_FLOOR,
        HELDOUT130_HEALTHY_MISSES_CEILING,
        (HELDOUT130_BEGIN, HELDOUT130_END),
    );
}

/// The hundred-and-thirty-first held-out set, scored on its own by the same code.
#[test]
fn heldout131_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT131,
        14,
        HELDOUT131_ACCURACY_FLOOR,
        HELDOUT131_HEALTHY_MISSES_CEILING,
        (HELDOUT131_BEGIN, HELDOUT131_END),
    );
}

/// The hundred-and-thirty-second held-out set, scored on its own by the same code.
#[test]
fn heldout132_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT132,
        14,
        HELDOUT132_ACCURACY_FLOOR,
        HELDOUT132_HEALTHY_MISSES_CEILING,
        (HELDOUT132_BEGIN, HELDOUT132_END),
    );
}

/// The hundred-and-thirty-third held-out set, scored on its own by the same code.
#[test]
fn heldout133_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT133,
        14,
        HELDOUT133_ACCURACY_FLOOR,
        HELDOUT133_HEALTHY_MISSES_CEILING,
        (HELDOUT133_BEGIN, HELDOUT133_END),
    );
}

/// The hundred-and-thirty-fourth held-out set, scored on its own by the same code.
#[test]
fn heldout134_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT134,
        14,
        HELDOUT134_ACCURACY_FLOOR,
        HELDOUT134_HEALTHY_MISSES_CEILING,
        (HELDOUT134_BEGIN, HELDOUT134_END),
    );
}

/// The hundred-and-thirty-fifth held-out set, scored on its own by the same code.
#[test]
fn heldout135_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT135,
        14,
        HELDOUT135_ACCURACY_FLOOR,
        HELDOUT135_HEALTHY_MISSES_CEILING,
        (HELDOUT135_BEGIN, HELDOUT135_END),
    );
}

/// The hundred-and-thirty-sixth held-out set, scored on its own by the same code.
#[test]
fn heldout136_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT136,
        14,
        HELDOUT136_ACCURACY_FLOOR,
        HELDOUT136_HEALTHY_MISSES_CEILING,
        (HELDOUT136_BEGIN, HELDOUT136_END),
    );
}

/// The hundred-and-thirty-seventh held-out set, scored on its own by the same code.
#[test]
fn heldout137_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT137,
        14,
        HELDOUT137_ACCURACY_FLOOR,
        HELDOUT137_HEALTHY_MISSES_CEILING,
        (HELDOUT137_BEGIN, HELDOUT137_END),
    );
}

/// The hundred-and-thirty-eighth held-out set, scored on its own by the same code.
#[test]
fn heldout138_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT138,
        14,
        HELDOUT138_ACCURACY_FLOOR,
        HELDOUT138_HEALTHY_MISSES_CEILING,
        (HELDOUT138_BEGIN, HELDOUT138_END),
    );
}

/// The hundred-and-thirty-ninth held-out set, scored on its own by the same code.
#[test]
fn heldout139_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT139,
        14,
        HELDOUT139_ACCURACY_FLOOR,
        HELDOUT139_HEALTHY_MISSES_CEILING,
        (HELDOUT139_BEGIN, HELDOUT139_END),
    );
}

/// The hundred-and-fortieth held-out set, scored on its own by the same code.
#[test]
fn heldout140_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT140,
        14,
        HELDOUT140_ACCURACY_FLOOR,
        HELDOUT140_HEALTHY_MISSES_CEILING,
        (HELDOUT140_BEGIN, HELDOUT140_END),
    );
}

/// The hundred-and-forty-first held-out set, scored on its own by the same code.
#[test]
fn heldout141_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT141,
        14,
        HELDOUT141_ACCURACY_FLOOR,
        HELDOUT141_HEALTHY_MISSES_CEILING,
        (HELDOUT141_BEGIN, HELDOUT141_END),
    );
}

/// The hundred-and-forty-second held-out set, scored on its own by the same code.
#[test]
fn heldout142_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT142,
        14,
        HELDOUT142_ACCURACY_FLOOR,
        HELDOUT142_HEALTHY_MISSES_CEILING,
        (HELDOUT142_BEGIN, HELDOUT142_END),
    );
}

/// The hundred-and-forty-third held-out set, scored on its own by the same code.
#[test]
fn heldout143_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT143,
        14,
        HELDOUT143_ACCURACY_FLOOR,
        HELDOUT143_HEALTHY_MISSES_CEILING,
        (HELDOUT143_BEGIN, HELDOUT143_END),
    );
}

/// The hundred-and-forty-fourth held-out set, scored on its own by the same code.
#[test]
fn heldout144_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT144,
        14,
        HELDOUT144_ACCURACY_FLOOR,
        HELDOUT144_HEALTHY_MISSES_CEILING,
        (HELDOUT144_BEGIN, HELDOUT144_END),
    );
}

/// The hundred-and-forty-fifth held-out set, scored on its own by the same code.
#[test]
fn heldout145_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT145,
        14,
        HELDOUT145_ACCURACY_FLOOR,
        HELDOUT145_HEALTHY_MISSES_CEILING,
        (HELDOUT145_BEGIN, HELDOUT145_END),
    );
}

/// The hundred-and-forty-sixth held-out set, scored on its own by the same code.
#[test]
fn heldout146_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT146,
        14,
        HELDOUT146_ACCURACY_FLOOR,
        HELDOUT146_HEALTHY_MISSES_CEILING,
        (HELDOUT146_BEGIN, HELDOUT146_END),
    );
}

/// The hundred-and-forty-seventh held-out set, scored on its own by the same code.
#[test]
fn heldout147_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT147,
        14,
        HELDOUT147_ACCURACY_FLOOR,
        HELDOUT147_HEALTHY_MISSES_CEILING,
        (HELDOUT147_BEGIN, HELDOUT147_END),
    );
}

/// The hundred-and-forty-eighth held-out set, scored on its own by the same code.
#[test]
fn heldout148_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT148,
        14,
        HELDOUT148_ACCURACY_FLOOR,
        HELDOUT148_HEALTHY_MISSES_CEILING,
        (HELDOUT148_BEGIN, HELDOUT148_END),
    );
}

/// The hundred-and-forty-ninth held-out set, scored on its own by the same code.
#[test]
fn heldout149_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT149,
        14,
        HELDOUT149_ACCURACY_FLOOR,
        HELDOUT149_HEALTHY_MISSES_CEILING,
        (HELDOUT149_BEGIN, HELDOUT149_END),
    );
}

/// The hundred-and-fiftieth held-out set, scored on its own by the same code.
#[test]
fn heldout150_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT150,
        14,
        HELDOUT150_ACCURACY_FLOOR,
        HELDOUT150_HEALTHY_MISSES_CEILING,
        (HELDOUT150_BEGIN, HELDOUT150_END),
    );
}

/// The hundred-and-fifty-first held-out set, scored on its own by the same code.
#[test]
fn heldout151_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT151,
        14,
        HELDOUT151_ACCURACY_FLOOR,
        HELDOUT151_HEALTHY_MISSES_CEILING,
        (HELDOUT151_BEGIN, HELDOUT151_END),
    );
}

/// The hundred-and-fifty-second held-out set, scored on its own by the same code.
#[test]
fn heldout152_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT152,
        14,
        HELDOUT152_ACCURACY_FLOOR,
        HELDOUT152_HEALTHY_MISSES_CEILING,
        (HELDOUT152_BEGIN, HELDOUT152_END),
    );
}

/// The hundred-and-fifty-third held-out set, scored on its own by the same code.
#[test]
fn heldout153_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT153,
        14,
        HELDOUT153_ACCURACY_FLOOR,
        HELDOUT153_HEALTHY_MISSES_CEILING,
        (HELDOUT153_BEGIN, HELDOUT153_END),
    );
}

/// The hundred-and-fifty-fourth held-out set, scored on its own by the same code.
#[test]
fn heldout154_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT154,
        14,
        HELDOUT154_ACCURACY_FLOOR,
        HELDOUT154_HEALTHY_MISSES_CEILING,
        (HELDOUT154_BEGIN, HELDOUT154_END),
    );
}

/// The hundred-and-fifty-fifth held-out set, scored on its own by the same code.
#[test]
fn heldout155_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT155,
        14,
        HELDOUT155_ACCURACY_FLOOR,
        HELDOUT155_HEALTHY_MISSES_CEILING,
        (HELDOUT155_BEGIN, HELDOUT155_END),
    );
}

/// The hundred-and-fifty-sixth held-out set, scored on its own by the same code.
#[test]
fn heldout156_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT156,
        14,
        HELDOUT156_ACCURACY_FLOOR,
        HELDOUT156_HEALTHY_MISSES_CEILING,
        (HELDOUT156_BEGIN, HELDOUT156_END),
    );
}

/// The hundred-and-fifty-seventh held-out set, scored on its own by the same code.
#[test]
fn heldout157_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT157,
        14,
        HELDOUT157_ACCURACY_FLOOR,
        HELDOUT157_HEALTHY_MISSES_CEILING,
        (HELDOUT157_BEGIN, HELDOUT157_END),
    );
}

/// The hundred-and-fifty-eighth held-out set, scored on its own by the same code.
#[test]
fn heldout158_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT158,
        14,
        HELDOUT158_ACCURACY_FLOOR,
        HELDOUT158_HEALTHY_MISSES_CEILING,
        (HELDOUT158_BEGIN, HELDOUT158_END),
    );
}

/// The hundred-and-fifty-ninth held-out set, scored on its own by the same code.
#[test]
fn heldout159_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT159,
        14,
        HELDOUT159_ACCURACY_FLOOR,
        HELDOUT159_HEALTHY_MISSES_CEILING,
        (HELDOUT159_BEGIN, HELDOUT159_END),
    );
}

/// The hundred-and-sixtieth held-out set, scored on its own by the same code.
#[test]
fn heldout160_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT160,
        14,
        HELDOUT160_ACCURACY_FLOOR,
        HELDOUT160_HEALTHY_MISSES_CEILING,
        (HELDOUT160_BEGIN, HELDOUT160_END),
    );
}

/// The hundred-and-sixty-first held-out set, scored on its own by the same code.
#[test]
fn heldout161_incidents_scoreboard() {
    run_scoreboard(
        HELDOUT161,
        14,
        HELDOUT161_ACCURACY_FLOOR,
        HELDOUT161_HEALTHY_MISSES_CEILING,
        (HELDOUT161_BEGIN, HELDOUT161_END),
    );
}

#[test]
fn a_kind_near_a_known_one_is_a_typo_and_a_new_kind_a_miss() {
    let list: Value = serde_json::json!({"items": [
        {"kind": "Node", "metadata": {"name": "n1"}}
    ]});
    let exp = |kind: &str| {
        format!(
            "source: https://example.com/1\nfamily: pending\nsymptom:\n  kind: {kind}\n  object: \"Node n1\"\nroot_cause:\n  loop: compute\n  kind: Node\n  name: n1\nfix_words:\n  any: [drain]\n"
        )
    };
    let typo = parse_expect("001", &exp("NodeNotReadyy"), &list);
    assert!(typo.is_err_and(|e| e.contains("not a known symptom kind")));
    assert!(parse_expect("001", &exp("DrainBlockedByBudget"), &list).is_ok());
}

#[test]
fn the_scorer_tells_right_from_wrong() {
    // A diagnosis in the day2/v1 shape: a right one passes every check, a
    // wrong root object fails only that check, an absent one fails all.
    let expect = Expect::Diagnosis {
        kinds: vec!["CrashLoopBackOff".into()],
        objects: vec![Obj::parse("Pod shop/api-1").unwrap()],
        root: Root::Cause {
            loops: vec!["network".into()],
            kinds: vec!["NetworkPolicy".into()],
            names: vec!["default-deny".into()],
        },
        fix: Some(Fix::Any(vec!["egress".into()])),
    };
    let incident = Incident {
        id: "000-test".into(),
        family: "networkpolicy".into(),
        expect,
    };
    let d = |root_name: &str| {
        serde_json::json!({
            "symptom": {"kind": "CrashLoopBackOff", "loop": "compute", "object": {"kind": "Pod", "namespace": "shop", "name": "api-2"}, "evidence": []},
            "also_affected": [{"kind": "Pod", "namespace": "shop", "name": "api-1"}],
            "root_cause": {"loop": "network", "rule": null, "summary": "s", "object": {"kind": "NetworkPolicy", "namespace": "shop", "name": root_name}},
            "chain": [], "fix": "Allow EGRESS to port 53", "confidence": "high"
        })
    };
    let right = score(&incident, &[d("default-deny")]);
    assert!(right.pass, "{}", right.said);
    let wrong = score(&incident, &[d("allow-web")]);
    assert!(!wrong.pass);
    assert!(
        wrong.checks.symptom
            && wrong.checks.root_loop
            && wrong.checks.fix
            && !wrong.checks.root_object
    );
    let none = score(&incident, &[]);
    assert!(!none.pass && none.checks.count() == 0 && none.said == "no diagnosis");
    let mut unexplained = d("default-deny");
    unexplained["root_cause"] = Value::Null;
    unexplained["unexplained"] = Value::Bool(true);
    assert!(!score(&incident, &[unexplained]).checks.root_loop);
}

/// A diagnosis whose cause the input does not hold says how to fetch the
/// next piece of evidence: `kubectl` commands naming its own object.
#[test]
fn unexplained_diagnoses_give_the_commands_that_fetch_more() {
    let (incidents, errors) = load_corpus(CORPUS);
    assert!(errors.is_empty(), "{errors:?}");
    let mut seen = 0;
    for (incident, cluster) in &incidents {
        for d in diagnose(cluster).iter().filter(|d| is_unexplained(d)) {
            seen += 1;
            let name = d["symptom"]["object"]["name"].as_str().unwrap_or("?");
            let commands: Vec<&str> = d["missing_evidence"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .filter(|m| m.contains("`kubectl "))
                .collect();
            assert!(
                commands
                    .iter()
                    .any(|c| c.contains("describe") && c.contains(name)),
                "{}: {} gives {commands:?}",
                incident.id,
                said(d)
            );
        }
    }
    assert!(seen >= 3, "only {seen} unexplained diagnoses in the corpus");
}
