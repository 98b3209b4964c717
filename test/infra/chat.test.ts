/**
 * Chat in every account and region it is deployed to: a channel configuration's name is unique in its
 * account across regions, and a Slack workspace or Teams tenant must be authorized by hand in the
 * account that holds the configuration. So names carry region and stack, and with StackSets only the
 * central stack holds chat, on the central topic.
 */
import { readFileSync } from 'node:fs';
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { AUTHORIZATION_REMINDER, chatReminder } from '../../infra/chat.ts';
import { synthesize, synthesizeStackSets as synthesizeWithStackSets } from '../support/cdk.ts';

const SLACK = { slack: { workspaceId: 'T0123ABCD', channelId: 'C0123ABCD' } };
const stackSetsExample = JSON.parse(readFileSync('ops-bot.stacksets.example.json', 'utf8')) as Record<string, unknown>;
const cleanups: Array<() => void> = [];
afterAll(() => cleanups.forEach((cleanup) => cleanup()));

const configurationNames = (template: Template) =>
  Object.values(template.findResources('AWS::Chatbot::SlackChannelConfiguration')).map(
    (resource) => (resource as { Properties: { ConfigurationName: unknown } }).Properties.ConfigurationName,
  );

/** Synthesized and cleaned up at the end of the file. */
function synthesizeStackSets(config: Record<string, unknown>, env = {}) {
  const synthesized = synthesizeWithStackSets(config, env);
  cleanups.push(synthesized.cleanup);
  return synthesized;
}

describe('Chat: one account, two regions', () => {
  it('gives each region its own configuration name, with the region and the stack in it, within the limits', () => {
    // Act
    const names = ['us-east-1', 'eu-west-1'].map((region) => {
      const synthesized = synthesize({ chat: SLACK }, { account: '111122223333', region });
      try {
        return configurationNames(synthesized.template);
      } finally {
        synthesized.cleanup();
      }
    });

    // Assess
    expect(names).toEqual([['ops-bot-us-east-1-SageMakerOpsBot'], ['ops-bot-eu-west-1-SageMakerOpsBot']]);
    for (const [name] of names) expect(String(name)).toMatch(/^[A-Za-z0-9_-]{1,128}$/);
  });

  it('names an environment-agnostic stack by the region it is deployed to', () => {
    const synthesized = synthesize({ chat: SLACK });
    try {
      expect(configurationNames(synthesized.template)).toEqual([{ 'Fn::Join': ['', ['ops-bot-', { Ref: 'AWS::Region' }, '-SageMakerOpsBot']] }]);
    } finally {
      synthesized.cleanup();
    }
  });

  it('reminds, in one line at synth, to authorize the workspace once in the account, and only with chat', () => {
    const withChat = synthesize({ chat: SLACK });
    const without = synthesize({});
    try {
      expect(chatReminder(withChat.app)).toBe(AUTHORIZATION_REMINDER);
      expect(chatReminder(without.app)).toBeUndefined();
      expect(AUTHORIZATION_REMINDER).toMatch(
        /^Chat: before deploying, authorize the Slack workspace \(or Microsoft Teams tenant\) once in this account: [^\n]+$/,
      );
    } finally {
      withChat.cleanup();
      without.cleanup();
    }
  });
});

describe('Chat: StackSets', () => {
  it('keeps chat out of the member template and puts exactly one configuration, on the central topic, in the central stack', () => {
    // Act: the example StackSets config asks for Slack.
    const { parent, member, violations } = synthesizeStackSets(stackSetsExample);

    // Assess
    expect(stackSetsExample.chat).toBeDefined();
    expect(Object.values(member).filter((resource) => resource.Type.startsWith('AWS::Chatbot::'))).toEqual([]);
    parent.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 1);
    parent.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      SnsTopicArns: [stackSetsExample.centralTopicArn],
      ConfigurationName: { 'Fn::Join': ['', ['ops-bot-', { Ref: 'AWS::Region' }, '-SageMakerOpsBotStackSet']] },
    });
    expect(violations).toEqual([]);
    // The example starts every member report-only: the organization path acts only once it says so.
    expect(stackSetsExample.reportOnly).toBe(true);
    const functions = Object.values(member).filter((resource) => resource.Type === 'AWS::Lambda::Function');
    expect(functions.length).toBe(5);
    expect(
      functions.every((fn) => (fn.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables.REPORT_ONLY === 'true'),
    ).toBe(true);
  });

  it('refuses chat in members, in one line that says why and what to set instead', () => {
    const { centralTopicArn: _central, ...withoutCentralTopic } = stackSetsExample;
    expect(() => synthesizeStackSets({ ...withoutCentralTopic, chat: SLACK })).toThrow(
      /^Invalid deploy config: chat with stackSets goes to the central topic, in this administrator stack only \(.*\): set centralTopicArn to a topic of this account$/,
    );
  });

  it("refuses a central topic of another account than the chat configuration's", () => {
    expect(() => synthesizeStackSets(stackSetsExample, { account: '111122223333', region: 'us-east-1' })).toThrow(
      /centralTopicArn is in account 999988887777, but chat would be configured in 111122223333/,
    );
  });
});
