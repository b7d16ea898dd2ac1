import { describe, expect, it } from 'vitest'
import { urlFormat } from './url-format.ts'

const keys = ['json', 'hal', 'xml', 'csv']
const operations = ['Op', 'CognitoSendConfirmCodeRequest']

describe('urlFormat', () => {
  it.each([
    [
      'a suffix on an operation',
      '/CognitoSendConfirmCodeRequest.csv',
      '',
      { path: '/CognitoSendConfirmCodeRequest', key: 'csv', styles: ['suffix'] },
    ],
    [
      'a suffix after a versioned segment',
      '/v2.0/external/alexa/users.xml',
      '',
      { path: '/v2.0/external/alexa/users', key: 'xml', styles: ['suffix'] },
    ],
    [
      'the hal suffix',
      '/widget/contact.hal',
      '',
      { path: '/widget/contact', key: 'hal', styles: ['suffix'] },
    ],
    [
      'an upper-case suffix',
      '/contacts.JSON',
      '',
      { path: '/contacts', key: 'json', styles: ['suffix'] },
    ],
    ['no marker: `/v2.0` is not a suffix', '/v2.0', '', { path: '/v2.0' }],
    [
      'no marker: a dot in an earlier segment',
      '/v2.0/external/alexa/users',
      '',
      { path: '/v2.0/external/alexa/users' },
    ],
    ['no marker: a suffix that is not a key', '/report.pdf', '', { path: '/report.pdf' }],
    ['no marker: a bare `.json` segment', '/.json', '', { path: '/.json' }],
    ['no marker: a trailing slash', '/users.csv/', '', { path: '/users.csv/' }],
    [
      'the ServiceStack reply route',
      '/csv/reply/CognitoSendConfirmCodeRequest',
      '',
      { path: '/CognitoSendConfirmCodeRequest', key: 'csv', styles: ['reply'] },
    ],
    [
      'the reply route in any letter case, as ServiceStack matches it',
      '/Json/Reply/cognitosendconfirmcoderequest',
      '',
      { path: '/CognitoSendConfirmCodeRequest', key: 'json', styles: ['reply'] },
    ],
    [
      'no marker: a reply route with an unknown format',
      '/pdf/reply/Op',
      '',
      { path: '/pdf/reply/Op' },
    ],
    [
      'no marker: a longer path around `reply`',
      '/csv/reply/Op/extra',
      '',
      { path: '/csv/reply/Op/extra' },
    ],
    ['?format=', '/contacts', 'format=csv', { path: '/contacts', key: 'csv', styles: ['query'] }],
    [
      '?format= in upper case',
      '/contacts',
      'format=XML',
      { path: '/contacts', key: 'xml', styles: ['query'] },
    ],
    [
      '?Format=, named as ServiceStack writes it',
      '/Op',
      'Format=csv',
      { path: '/Op', key: 'csv', styles: ['query'] },
    ],
    [
      '?FORMAT= on any route',
      '/contacts',
      'FORMAT=xml',
      { path: '/contacts', key: 'xml', styles: ['query'] },
    ],
    ['no marker: a longer name', '/contacts', 'formats=xml&Format_=csv', { path: '/contacts' }],
    [
      '?format= given twice in two spellings',
      '/Op',
      'format=csv&Format=csv',
      { path: '/Op', repeated: ['csv', 'csv'] },
    ],
    [
      'a suffix and a ?Format= that disagree, as written',
      '/Op.csv',
      'Format=xml',
      { path: '/Op', conflicting: ['.csv', '?Format=xml'] },
    ],
    ['an unknown ?Format=', '/Op', 'Format=pdf', { path: '/Op', unknown: 'pdf' }],
    ['an unknown ?format=', '/contacts', 'format=pdf', { path: '/contacts', unknown: 'pdf' }],
    ['an empty ?format= as absent', '/contacts', 'format=', { path: '/contacts' }],
    [
      '?format= given twice',
      '/contacts',
      'format=csv&format=json',
      { path: '/contacts', repeated: ['csv', 'json'] },
    ],
    [
      '?format= given twice, the first empty',
      '/contacts',
      'format=&format=csv',
      { path: '/contacts', repeated: ['', 'csv'] },
    ],
    [
      '?format= given twice with one value',
      '/contacts',
      'format=xml&x=1&format=xml',
      { path: '/contacts', repeated: ['xml', 'xml'] },
    ],
    [
      'agreeing markers',
      '/csv/reply/Op.CSV',
      'format=csv',
      { path: '/Op', key: 'csv', styles: ['suffix', 'reply', 'query'] },
    ],
    [
      'a suffix and a ?format= that disagree',
      '/Op.csv',
      'format=xml',
      { path: '/Op', conflicting: ['.csv', '?format=xml'] },
    ],
    [
      'a reply route and a ?format= that disagree',
      '/xml/reply/Op',
      'format=csv',
      { path: '/Op', conflicting: ['/xml/reply/', '?format=csv'] },
    ],
    [
      'a reply route and a suffix that disagree, both removed',
      '/json/reply/Op.xml',
      '',
      { path: '/Op', conflicting: ['.xml', '/json/reply/'] },
    ],
    [
      'an unknown ?format= after a suffix',
      '/contacts.csv',
      'format=pdf',
      { path: '/contacts', unknown: 'pdf' },
    ],
    [
      'a ?format= given twice after a suffix',
      '/contacts.csv',
      'format=xml&format=json',
      { path: '/contacts', repeated: ['xml', 'json'] },
    ],
    ['an operation in any letter case', '/oP', '', { path: '/Op' }],
    [
      'an operation with a suffix, in any letter case',
      '/OP.xml',
      '',
      { path: '/Op', key: 'xml', styles: ['suffix'] },
    ],
    [
      'the reply route of an operation in any letter case',
      '/CSV/reply/op',
      '',
      { path: '/Op', key: 'csv', styles: ['reply'] },
    ],
    [
      'no marker: a reply route to what is no operation',
      '/csv/reply/contacts',
      '',
      {
        path: '/csv/reply/contacts',
      },
    ],
    [
      'no marker: a reply route to a gateway page',
      '/json/reply/metadata',
      '',
      {
        path: '/json/reply/metadata',
      },
    ],
    ['no marker: another path in another case', '/Contacts', '', { path: '/Contacts' }],
  ])('reads %s', (_name, path, query, expected) => {
    expect(urlFormat(path, new URLSearchParams(query), keys, operations)).toEqual(expected)
  })

  it('returns the key as spelled in the key list', () => {
    expect(urlFormat('/a.csv', new URLSearchParams(), ['CSV'])).toEqual({
      path: '/a',
      key: 'CSV',
      styles: ['suffix'],
    })
  })
})
